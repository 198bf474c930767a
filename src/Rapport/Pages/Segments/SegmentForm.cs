using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Rapport.Common;
using Rapport.Data;
using Rapport.Interactions;
using Rapport.Segments;

namespace Rapport.Pages.Segments;

/// <summary>The segment form as posted: the rules are JSON text (the builder writes it; without JavaScript it is typed).</summary>
public sealed class SegmentForm
{
    public const string EmptyRules = "{\"all\":[]}";

    public string? Name { get; set; }
    public string? Description { get; set; }
    public string? Kind { get; set; } = "dynamic";
    public string? Rules { get; set; } = EmptyRules;
    public int? Version { get; set; }

    private static readonly JsonDocumentOptions ReadOptions = new() { MaxDepth = 256 };
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static SegmentForm From(SegmentDetail s) => new()
    {
        Name = s.Name, Description = s.Description, Kind = s.Kind, Rules = JsonSerializer.Serialize(s.Rules, Indented), Version = s.Version,
    };

    /// <summary>The rules as JSON, or null with an error on <c>rules</c> when the text is empty or not JSON.</summary>
    public static JsonElement? ParseRules(string? text, FieldErrors errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            errors.Add("rules", "Required: a rule tree such as {\"all\":[{\"field\":\"city\",\"op\":\"eq\",\"value\":\"Lyon\"}]} ({\"all\":[]} is everyone).");
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(text, ReadOptions);
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            errors.Add("rules", $"Is not valid JSON (line {e.LineNumber + 1}, character {e.BytePositionInLine + 1}): write a rule tree such as {{\"all\":[{{\"field\":\"city\",\"op\":\"eq\",\"value\":\"Lyon\"}}]}}.");
            return null;
        }
    }

    public SegmentRequest ToRequest(JsonElement? rules) => new(Name ?? "", Description ?? "", Kind, rules);
}

/// <summary>What the rule editor (wwwroot/js/segments.js) needs: the field catalogue, segments, categories and interaction options.</summary>
public static class SegmentEditorData
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static async Task<string> JsonAsync(ListSegmentFields fields, RapportDbContext db, long? except, IReadOnlyDictionary<string, string[]> errors, CancellationToken ct)
    {
        var catalogue = await fields.HandleAsync(ct);
        var segments = await db.Set<Segment>().AsNoTracking().Where(s => s.Id != (except ?? 0)).OrderBy(s => s.Name).ThenBy(s => s.Id)
            .Select(s => new { id = s.Id, name = s.Name }).Take(1000).ToListAsync(ct);
        var categories = await db.Products.AsNoTracking().Where(p => p.Category != null).Select(p => p.Category!).Distinct().OrderBy(c => c).Take(500).ToListAsync(ct);
        var data = new
        {
            fields = catalogue,
            segments,
            categories,
            channels = Enum.GetValues<InteractionChannel>().Select(v => new { key = EnumKeys.Key(v), label = Display.Label(v) }),
            types = Enum.GetValues<InteractionType>().Select(v => new { key = EnumKeys.Key(v), label = Display.Label(v) }),
            directions = Enum.GetValues<InteractionDirection>().Select(v => new { key = EnumKeys.Key(v), label = Display.Label(v) }),
            errors = errors.Where(e => e.Key.StartsWith("rules", StringComparison.Ordinal)).ToDictionary(e => e.Key, e => e.Value),
        };
        // Written into a <script type="application/json"> block: '<' is escaped by the serializer's default encoder.
        return JsonSerializer.Serialize(data, Options);
    }
}
