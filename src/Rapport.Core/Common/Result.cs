namespace Rapport.Common;

public enum ResultKind
{
    Ok,
    Invalid,
    NotFound,
    Conflict,
    /// <summary>The caller's version (If-Match) is stale.</summary>
    PreconditionFailed,
}

/// <summary>
/// The outcome of a use case. Expected outcomes (bad input, missing record, conflict) are values, not exceptions;
/// the API, the pages and the CLI each turn them into their own answer.
/// </summary>
public sealed record Result<T>
{
    public ResultKind Kind { get; private init; }
    public T? Value { get; private init; }
    /// <summary>Field name (camelCase, as in the API) → messages.</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; private init; } = FieldErrors.None;
    public string? Message { get; private init; }

    public bool IsOk => Kind == ResultKind.Ok;

    public static Result<T> Ok(T value) => new() { Kind = ResultKind.Ok, Value = value };
    public static Result<T> Invalid(IReadOnlyDictionary<string, string[]> errors) => new() { Kind = ResultKind.Invalid, Errors = errors, Message = "The request has invalid fields." };
    public static Result<T> Invalid(string field, string message) => Invalid(new Dictionary<string, string[]> { [field] = [message] });
    public static Result<T> NotFound(string message) => new() { Kind = ResultKind.NotFound, Message = message };
    public static Result<T> Conflict(string message, string? field = null) => new()
    {
        Kind = ResultKind.Conflict,
        Message = message,
        Errors = field is null ? FieldErrors.None : new Dictionary<string, string[]> { [field] = [message] },
    };
    public static Result<T> PreconditionFailed(string message) => new() { Kind = ResultKind.PreconditionFailed, Message = message };

    /// <summary>Carries a failure over to a result of another type.</summary>
    public Result<TOther> As<TOther>() => Kind == ResultKind.Ok
        ? throw new InvalidOperationException("An Ok result cannot change type.")
        : new Result<TOther> { Kind = Kind, Errors = Errors, Message = Message };
}

/// <summary>Collects per-field validation messages.</summary>
public sealed class FieldErrors
{
    public static readonly IReadOnlyDictionary<string, string[]> None = new Dictionary<string, string[]>();

    // Made on the first error: bulk validation checks millions of values that are fine.
    private Dictionary<string, List<string>>? _errors;

    public bool Any => _errors is { Count: > 0 };

    public FieldErrors Add(string field, string message)
    {
        _errors ??= new Dictionary<string, List<string>>(StringComparer.Ordinal);
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(message);
        return this;
    }

    public IReadOnlyDictionary<string, string[]> ToDictionary() =>
        _errors?.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal) ?? new Dictionary<string, string[]>(StringComparer.Ordinal);

    public Result<T> ToResult<T>() => Result<T>.Invalid(ToDictionary());
}
