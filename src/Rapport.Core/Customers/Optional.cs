using System.Text.Json;
using System.Text.Json.Serialization;

namespace Rapport.Customers;

/// <summary>
/// A field of a partial update: absent (<see cref="IsSet"/> false, leave the stored value alone) or present with a
/// value, where a present <c>null</c> clears the stored value. In JSON an absent property stays unset and
/// <c>"field": null</c> is set-to-null, so a PATCH body binds straight to a record of these.
/// </summary>
[JsonConverter(typeof(OptionalJsonConverterFactory))]
public readonly struct Optional<T> : IEquatable<Optional<T>>
{
    public Optional(T value)
    {
        Value = value;
        IsSet = true;
    }

    public bool IsSet { get; }

    /// <summary>The value when <see cref="IsSet"/>; default otherwise.</summary>
    public T Value { get; }

    public static implicit operator Optional<T>(T value) => new(value);

    public bool Equals(Optional<T> other) => IsSet == other.IsSet && EqualityComparer<T>.Default.Equals(Value, other.Value);

    public override bool Equals(object? obj) => obj is Optional<T> other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(IsSet, Value);

    public override string ToString() => IsSet ? $"{Value}" : "(unset)";

    public static bool operator ==(Optional<T> left, Optional<T> right) => left.Equals(right);

    public static bool operator !=(Optional<T> left, Optional<T> right) => !left.Equals(right);
}

/// <summary>Reads <see cref="Optional{T}"/> so that a present JSON <c>null</c> is distinguishable from an absent property.</summary>
public sealed class OptionalJsonConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) =>
        typeToConvert.IsGenericType && typeToConvert.GetGenericTypeDefinition() == typeof(Optional<>);

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(OptionalConverter<>).MakeGenericType(typeToConvert.GetGenericArguments()[0]))!;

    private sealed class OptionalConverter<T> : JsonConverter<Optional<T>>
    {
        // Called for JSON null too, so that "field": null becomes a set Optional holding null.
        public override bool HandleNull => true;

        public override Optional<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType == JsonTokenType.Null)
            {
                return new Optional<T>(default!);
            }

            try
            {
                return new Optional<T>(JsonSerializer.Deserialize<T>(ref reader, options)!);
            }
            catch (JsonException e)
            {
                // The nested call reports paths relative to this value ("$"); rethrowing without a path lets the
                // serializer stamp the property's own path (e.g. $.birthDate), which names the field in the 400.
                throw new JsonException(e.Message, e);
            }
        }

        public override void Write(Utf8JsonWriter writer, Optional<T> value, JsonSerializerOptions options)
        {
            if (value.IsSet)
            {
                JsonSerializer.Serialize(writer, value.Value, options);
            }
            else
            {
                writer.WriteNullValue();
            }
        }
    }
}
