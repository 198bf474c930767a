using System.Text.Json;
using Rapport.Api;
using Rapport.Common;
using Rapport.Customers;
using Rapport.Interactions;

namespace Rapport.Tests.Customers;

/// <summary>The dense parts of the customers slice, without a host: sort and cursor keys, partial-update parsing, folding, field rules.</summary>
public sealed class CustomerRulesUnitTests
{
    private static readonly JsonSerializerOptions Json = ApiJson();

    private static JsonSerializerOptions ApiJson()
    {
        var options = new JsonSerializerOptions();
        RapportApi.Configure(options);
        return options;
    }

    [Fact]
    public void Every_accepted_sort_parses_and_prints_back_the_same()
    {
        foreach (var text in CustomerSort.Accepted)
        {
            CustomerSort.TryParse(text, out var sort).Should().BeTrue();
            sort.ToString().Should().Be(text);
            sort.Descending.Should().Be(text.StartsWith('-'));
        }

        CustomerSort.TryParse(null, out var fallback).Should().BeTrue();
        fallback.Should().Be(CustomerSort.Default);
        CustomerSort.TryParse(" -revenue ", out var trimmed).Should().BeTrue();
        trimmed.Should().Be(new CustomerSort(CustomerSortField.Revenue, true));
    }

    [Theory]
    [InlineData("Name")]
    [InlineData("--name")]
    [InlineData("email")]
    [InlineData("+name")]
    [InlineData("created_at")]
    public void Unknown_sorts_are_rejected(string text) => CustomerSort.TryParse(text, out _).Should().BeFalse();

    [Fact]
    public void Cursor_round_trips_the_segment_and_typed_keys_of_every_sort()
    {
        var at = new DateTimeOffset(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero).AddTicks(9);
        (CustomerSort Sort, int Segment, object[] Keys)[] cases =
        [
            (new(CustomerSortField.Name, false), 0, ["Núñez", "José", 12L]),
            (new(CustomerSortField.Name, true), 3, ["a@example.com", 7L]),
            (new(CustomerSortField.Name, false), 4, [9L]),
            (new(CustomerSortField.CreatedAt, true), 0, [at, 3L]),
            (new(CustomerSortField.Revenue, false), 0, [0.30000000000000004m, 5L]),
            (new(CustomerSortField.LastPurchase, true), 0, [at, 8L]),
            (new(CustomerSortField.LastPurchase, false), 1, [8L]),
        ];
        foreach (var (sort, segment, keys) in cases)
        {
            var cursor = CustomerKeyset.Encode(sort, segment, keys);
            CustomerKeyset.TryDecode(cursor, sort, out var readSegment, out var readKeys).Should().BeTrue();
            readSegment.Should().Be(segment);
            readKeys.Should().Equal(keys);
        }
    }

    [Fact]
    public void Cursor_is_rejected_for_another_sort_a_bad_segment_or_mistyped_keys()
    {
        var name = new CustomerSort(CustomerSortField.Name, false);
        var cursor = CustomerKeyset.Encode(name, 0, ["Adams", "Ada", 1L]);
        CustomerKeyset.TryDecode(cursor, new CustomerSort(CustomerSortField.Name, true), out _, out _).Should().BeFalse("direction is part of the sort");
        CustomerKeyset.TryDecode(cursor, new CustomerSort(CustomerSortField.CreatedAt, false), out _, out _).Should().BeFalse();
        CustomerKeyset.TryDecode(CustomerKeyset.Encode(name, 5, [1L]), name, out _, out _).Should().BeFalse("name has segments 0..4");
        CustomerKeyset.TryDecode(CustomerKeyset.Encode(name, -1, [1L]), name, out _, out _).Should().BeFalse();
        CustomerKeyset.TryDecode(CustomerKeyset.Encode(name, 0, ["Adams", 1L]), name, out _, out _).Should().BeFalse("segment 0 has three keys");
        CustomerKeyset.TryDecode(CustomerKeyset.Encode(name, 0, ["Adams", "Ada", "1"]), name, out _, out _).Should().BeFalse("the id is a number");
        CustomerKeyset.TryDecode(CustomerKeyset.Encode(new CustomerSort(CustomerSortField.CreatedAt, false), 0, ["tuesday", 1L]),
            new CustomerSort(CustomerSortField.CreatedAt, false), out _, out _).Should().BeFalse();
        CustomerKeyset.TryDecode("%%%", name, out _, out _).Should().BeFalse();
        CustomerKeyset.TryDecode(Cursor.Encode("name"), name, out _, out _).Should().BeFalse();
    }

    [Theory]
    [InlineData("Ada", "Adams", "a@x.io", 0)]
    [InlineData(null, "Adams", "a@x.io", 1)]
    [InlineData("Ada", null, null, 2)]
    [InlineData(null, null, "a@x.io", 3)]
    [InlineData(null, null, null, 4)]
    public void Each_customer_falls_in_exactly_one_name_segment(string? first, string? last, string? email, int segment)
    {
        var hit = new SearchHit(1, first, last, email, email, null, null, null, null, 0, 0m, null, DateTimeOffset.UnixEpoch);
        CustomerKeyset.SegmentOf(CustomerSortField.Name, hit).Should().Be(segment);
    }

    [Fact]
    public void Revenue_cursor_digits_give_back_the_very_same_double()
    {
        var random = new Random(20261122);
        for (var i = 0; i < 20_000; i++)
        {
            // Sums of 4-decimal amounts as SQLite's SUM over REAL produces them.
            var sum = 0.0;
            for (var n = random.Next(1, 6); n > 0; n--)
            {
                sum += (double)Math.Round((decimal)(random.NextDouble() * 1000), random.Next(0, 5));
            }

            var cursorValue = SearchCustomers.RoundTripDecimal(sum);
            var json = JsonDocument.Parse(Cursor.Encode(cursorValue) is var c && Cursor.TryDecode(c, out var keys) ? keys[0].GetRawText() : "null").RootElement;
            SearchCustomers.ToDouble(json.GetDecimal()).Should().Be(sum);
        }

        SearchCustomers.RoundTripDecimal(0.1 + 0.2).Should().Be(0.30000000000000004m);
    }

    [Fact]
    public void Timeline_cursor_round_trips_and_rejects_other_shapes()
    {
        var cursor = new TimelineCursor(new DateTimeOffset(2026, 5, 1, 9, 0, 0, TimeSpan.Zero).AddTicks(3), TimelineKind.Transaction, 42);
        TimelineCursor.TryDecode(cursor.Encode(), out var read).Should().BeTrue();
        read.Should().Be(cursor);

        TimelineCursor.TryDecode(Cursor.Encode("2026-05-01T09:00:00Z", "x", 1), out _).Should().BeFalse();
        TimelineCursor.TryDecode(Cursor.Encode("soon", "i", 1), out _).Should().BeFalse();
        TimelineCursor.TryDecode(Cursor.Encode("2026-05-01T09:00:00Z", "i"), out _).Should().BeFalse();
        TimelineCursor.TryDecode("not base64!", out _).Should().BeFalse();
    }

    [Fact]
    public void Partial_update_tells_absent_from_null_from_a_value()
    {
        var request = JsonSerializer.Deserialize<UpdateCustomerRequest>(
            """{"firstName":"Ann","phone":null,"birthDate":"1990-02-03","companyId":null,"tags":["a"],"customFields":{"x":null}}""", Json)!;

        request.FirstName.Should().Be(new Optional<string?>("Ann"));
        request.Phone.IsSet.Should().BeTrue();
        request.Phone.Value.Should().BeNull();
        request.LastName.IsSet.Should().BeFalse();
        request.BirthDate.Value.Should().Be(new DateOnly(1990, 2, 3));
        request.CompanyId.IsSet.Should().BeTrue();
        request.CompanyId.Value.Should().BeNull();
        request.OwnerId.IsSet.Should().BeFalse();
        request.Tags.Value.Should().Equal("a");
        request.CustomFields.Value!["x"].ValueKind.Should().Be(JsonValueKind.Null);
        request.ExternalIds.IsSet.Should().BeFalse();
    }

    [Theory]
    [InlineData("""{"firstName":5}""", "$.firstName")]
    [InlineData("""{"birthDate":"yesterday"}""", "$.birthDate")]
    [InlineData("""{"companyId":"acme"}""", "$.companyId")]
    [InlineData("""{"tags":"vip"}""", "$.tags")]
    public void Partial_update_type_errors_carry_the_field_path(string json, string path)
    {
        var read = () => JsonSerializer.Deserialize<UpdateCustomerRequest>(json, Json);
        read.Should().Throw<JsonException>().Which.Path.Should().Be(path);
    }

    [Fact]
    public void Partial_update_rejects_fields_it_does_not_accept()
    {
        var read = () => JsonSerializer.Deserialize<UpdateCustomerRequest>("""{"version":2}""", Json);
        read.Should().Throw<JsonException>().WithMessage("*'version'*");
    }

    [Theory]
    [InlineData("\"3\"", true, 3)]
    [InlineData(" \"12\" ", true, 12)]
    [InlineData("*", true, null)]
    [InlineData("3", false, null)]
    [InlineData("W/\"3\"", false, null)]
    [InlineData("\"three\"", false, null)]
    [InlineData("\"-1\"", false, null)]
    [InlineData("\"\"", false, null)]
    public void If_match_accepts_one_strong_version_tag_or_star(string header, bool ok, int? version)
    {
        ETags.TryParse(header, out var parsed).Should().Be(ok);
        parsed.Should().Be(version);
    }

    [Theory]
    [InlineData("José Núñez", "jose nunez")]
    [InlineData("STRAßE", "strasse")]
    [InlineData("Ærø Łódź", "aero lodz")]
    [InlineData("Søren Kierkegaard", "soren kierkegaard")]
    [InlineData("Cafe\u0301", "cafe")]
    [InlineData("plain ascii 123", "plain ascii 123")]
    [InlineData(null, "")]
    public void Folding_lowers_and_strips_accents(string? input, string folded)
    {
        Validate.Fold(input).Should().Be(folded);
        Validate.Fold(Validate.Fold(input)).Should().Be(folded);
    }

    [Theory]
    [InlineData("en", "en")]
    [InlineData("EN-us", "en-US")]
    [InlineData("fr_ca", "fr-CA")]
    [InlineData("zh-hant-tw", "zh-Hant-TW")]
    [InlineData("es-419", "es-419")]
    [InlineData("de-CH-1996", "de-CH-1996")]
    public void Language_tags_are_stored_in_canonical_case(string input, string stored)
    {
        var errors = new FieldErrors();
        CustomerRules.Language(errors, input).Should().Be(stored);
        errors.Any.Should().BeFalse();
    }

    [Theory]
    [InlineData("english")]
    [InlineData("e")]
    [InlineData("en-")]
    [InlineData("en US")]
    [InlineData("12")]
    public void Malformed_language_tags_are_field_errors(string input)
    {
        var errors = new FieldErrors();
        CustomerRules.Language(errors, input);
        errors.ToDictionary().Keys.Should().Equal("language");
    }

    [Fact]
    public void Tags_are_trimmed_lowered_and_deduplicated_in_order()
    {
        var errors = new FieldErrors();
        CustomerRules.Tags(errors, [" VIP", "newsletter ", "vip", "Newsletter", "b2b"]).Should().Equal("vip", "newsletter", "b2b");
        errors.Any.Should().BeFalse();
    }

    [Fact]
    public void Repeated_external_ids_are_errors_and_sources_are_lower_case()
    {
        var errors = new FieldErrors();
        var ids = CustomerRules.ExternalIds(errors, [new("Shop", "1"), new("erp", "1"), new("SHOP", "1"), null]);
        ids.Should().Equal(("shop", "1"), ("erp", "1"));
        errors.ToDictionary().Keys.Should().BeEquivalentTo("externalIds[2]", "externalIds[3]");
    }

    [Theory]
    [InlineData(CustomFieldType.Number, "12.5", true)]
    [InlineData(CustomFieldType.Number, "-0.0001", true)]
    [InlineData(CustomFieldType.Number, "0.00001", false)]
    [InlineData(CustomFieldType.Number, "1000000000000000", false)]
    [InlineData(CustomFieldType.Number, "\"12\"", false)]
    [InlineData(CustomFieldType.Date, "\"2024-02-29\"", true)]
    [InlineData(CustomFieldType.Date, "\"2023-02-29\"", false)]
    [InlineData(CustomFieldType.Date, "\"29/02/2024\"", false)]
    [InlineData(CustomFieldType.Boolean, "false", true)]
    [InlineData(CustomFieldType.Boolean, "\"false\"", false)]
    [InlineData(CustomFieldType.Text, "\"hello\"", true)]
    [InlineData(CustomFieldType.Text, "true", false)]
    [InlineData(CustomFieldType.Choice, "\"medium\"", true)]
    [InlineData(CustomFieldType.Choice, "\"huge\"", false)]
    [InlineData(CustomFieldType.Choice, "null", true)]
    public void Custom_field_values_must_match_the_field_type(CustomFieldType type, string json, bool valid)
    {
        var definition = new CustomFieldDefinition { Id = 1, Key = "k", Label = "K", Type = type, Options = "Small\nMedium\nLarge" };
        CustomFieldValues.TryConvert(definition, JsonDocument.Parse(json).RootElement, out var value, out var error).Should().Be(valid, error);
        if (type == CustomFieldType.Choice && json == "\"medium\"")
        {
            value!.TextValue.Should().Be("Medium");
        }
    }

    [Theory]
    [InlineData(CustomFieldType.Number, "42.5", "42.5")]
    [InlineData(CustomFieldType.Number, " -3 ", "-3")]
    [InlineData(CustomFieldType.Number, "lots", "\"lots\"")]
    [InlineData(CustomFieldType.Boolean, "on", "true")]
    [InlineData(CustomFieldType.Boolean, "No", "false")]
    [InlineData(CustomFieldType.Date, "2024-03-01", "\"2024-03-01\"")]
    [InlineData(CustomFieldType.Choice, "Gold", "\"Gold\"")]
    [InlineData(CustomFieldType.Text, "  ", "null")]
    public void Form_text_becomes_the_json_value_the_field_type_expects(CustomFieldType type, string text, string json)
    {
        CustomFieldValues.FromText(type, text).GetRawText().Should().Be(json);
    }

    [Fact]
    public void Timeline_titles_read_like_the_activity()
    {
        GetTimeline.InteractionTitle(InteractionType.Call, InteractionDirection.Outbound).Should().Be("Call (outbound)");
        GetTimeline.InteractionTitle(InteractionType.Email, InteractionDirection.Inbound).Should().Be("Email (inbound)");
        GetTimeline.InteractionTitle(InteractionType.Note, InteractionDirection.Internal).Should().Be("Note");
        GetTimeline.TransactionTitle("123", 9, 3).Should().Be("Order #123 — 3 items");
        GetTimeline.TransactionTitle(null, 9, 1).Should().Be("Order #9 — 1 item");
        GetTimeline.TransactionTitle("A", 9, 0).Should().Be("Order #A");
        GetTimeline.LinesSummary([new("S1", "Beans", 2m, 1m, 2m), new("S2", null, 1.5m, 1m, 1.5m)]).Should().Be("2 × Beans, 1.5 × S2");
    }
}
