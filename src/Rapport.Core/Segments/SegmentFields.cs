using Microsoft.EntityFrameworkCore;
using Rapport.Analytics;
using Rapport.Customers;
using Rapport.Data;
using Rapport.Stages;
using Rapport.Surveys;
using Rapport.Values;

namespace Rapport.Segments;

/// <summary>The type of a field's values, as the API names it (<c>string</c>, <c>number</c> …).</summary>
public enum FieldType
{
    String,
    Number,
    /// <summary>A calendar date, <c>yyyy-MM-dd</c> (UTC days for instants).</summary>
    Date,
    /// <summary>One of the field's options.</summary>
    Enum,
    Boolean,
    /// <summary>The customer's tags: <c>eq</c> has the tag.</summary>
    Tags,
    /// <summary>A company or owner: an id, or a name / e-mail.</summary>
    Reference,
    /// <summary>Membership of another segment, by id.</summary>
    Segment,
}

/// <summary>Where a field's value lives; the compiler turns it into SQL (<see cref="SegmentSql"/>).</summary>
public enum FieldSource
{
    /// <summary>A column of <c>customers c</c> or <c>customer_metrics m</c> (<see cref="SegmentField.Column"/>).</summary>
    Column,
    /// <summary>Whole days since the instant in <see cref="SegmentField.Column"/> (reads the clock).</summary>
    DaysSince,
    /// <summary>An instant column compared by UTC day.</summary>
    InstantDate,
    Stage,
    Tag,
    Company,
    Owner,
    CustomField,
    ValueScore,
    Alignment,
    SurveyNumber,
    SurveyChoice,
    NpsScore,
    NpsGroup,
    Segment,
}

/// <summary>Which facts a rule reads, to know which segments follow an analytics run, a value recompute or the clock.</summary>
[Flags]
public enum RuleReads
{
    None = 0,
    Analytics = 1,
    Values = 2,
    Clock = 4,
}

public sealed record FieldOption(string Key, string Label);

/// <summary>A field rules may test. <see cref="Column"/> and <see cref="RefId"/> come from the catalogue, never from a caller.</summary>
public sealed record SegmentField(
    string Key,
    string Label,
    FieldType Type,
    string Group,
    IReadOnlyList<RuleOp> Ops,
    FieldSource Source,
    string? Column = null,
    long RefId = 0,
    IReadOnlyList<FieldOption>? Options = null,
    bool WholeNumber = false,
    RuleReads Reads = RuleReads.None);

public static class FieldTypes
{
    public static string Key(this FieldType type) => type.ToString().ToLowerInvariant();
}

/// <summary>
/// Every field segment rules can test: the fixed profile, metric and analytics fields, and those made from the
/// business's data (custom fields, values, survey questions, segments). Loaded per request (a few small tables).
/// </summary>
public sealed class SegmentFieldCatalogue
{
    private static readonly RuleOp[] StringOps = [RuleOp.Eq, RuleOp.Neq, RuleOp.In, RuleOp.Contains, RuleOp.Exists];
    private static readonly RuleOp[] NumberOps = [RuleOp.Eq, RuleOp.Neq, RuleOp.In, RuleOp.Gt, RuleOp.Gte, RuleOp.Lt, RuleOp.Lte, RuleOp.Between, RuleOp.Exists];
    private static readonly RuleOp[] DaysOps = [RuleOp.Eq, RuleOp.Neq, RuleOp.Gt, RuleOp.Gte, RuleOp.Lt, RuleOp.Lte, RuleOp.Between, RuleOp.Exists];
    private static readonly RuleOp[] DateOps = [RuleOp.Eq, RuleOp.Neq, RuleOp.Gt, RuleOp.Gte, RuleOp.Lt, RuleOp.Lte, RuleOp.Between, RuleOp.Exists];
    private static readonly RuleOp[] EnumOps = [RuleOp.Eq, RuleOp.Neq, RuleOp.In, RuleOp.Exists];
    private static readonly RuleOp[] OrderedEnumOps = [RuleOp.Eq, RuleOp.Neq, RuleOp.In, RuleOp.Gt, RuleOp.Gte, RuleOp.Lt, RuleOp.Lte, RuleOp.Between];
    private static readonly RuleOp[] BooleanOps = [RuleOp.Eq, RuleOp.Neq, RuleOp.Exists];
    private static readonly RuleOp[] SetOps = [RuleOp.Eq, RuleOp.Neq, RuleOp.In, RuleOp.Exists];
    private static readonly RuleOp[] SegmentOps = [RuleOp.Eq, RuleOp.Neq, RuleOp.In];

    public static readonly IReadOnlyList<SegmentField> Fixed = BuildFixed();

    private readonly Dictionary<string, SegmentField> _fields;
    private readonly HashSet<long> _segments;

    public SegmentFieldCatalogue(IEnumerable<SegmentField> extra, IEnumerable<long> segmentIds)
    {
        Fields = [.. Fixed, .. extra];
        _fields = Fields.ToDictionary(f => f.Key, StringComparer.Ordinal);
        _segments = [.. segmentIds];
    }

    public IReadOnlyList<SegmentField> Fields { get; }

    public SegmentField? Find(string key) => _fields.GetValueOrDefault(key);

    public bool SegmentExists(long id) => _segments.Contains(id);

    /// <param name="includeSensitive">
    /// False for a caller without <c>customers.view-sensitive</c>: custom fields marked sensitive are then unknown, so a
    /// rule cannot be used to probe their values (stored segments are evaluated with every field).
    /// </param>
    public static async Task<SegmentFieldCatalogue> LoadAsync(RapportDbContext db, CancellationToken ct, bool includeSensitive = true)
    {
        var extra = new List<SegmentField>();
        foreach (var f in await db.Set<CustomFieldDefinition>().AsNoTracking().Where(f => includeSensitive || !f.Sensitive).OrderBy(f => f.Position).ThenBy(f => f.Id).ToListAsync(ct))
        {
            var (type, column, ops) = f.Type switch
            {
                CustomFieldType.Number => (FieldType.Number, "number_value", NumberOps),
                CustomFieldType.Date => (FieldType.Date, "date_value", DateOps),
                CustomFieldType.Boolean => (FieldType.Boolean, "bool_value", BooleanOps),
                CustomFieldType.Choice => (FieldType.Enum, "text_value", EnumOps),
                _ => (FieldType.String, "text_value", StringOps),
            };
            var options = f.Type == CustomFieldType.Choice ? f.OptionList.Select(o => new FieldOption(o, o)).ToList() : null;
            extra.Add(new SegmentField($"custom.{f.Key}", f.Label, type, "Custom fields", ops, FieldSource.CustomField, column, f.Id, options));
        }

        foreach (var v in await db.Set<TaxonomyValue>().AsNoTracking().Where(v => v.Status != ValueStatus.Merged).OrderBy(v => v.Name).ToListAsync(ct))
        {
            extra.Add(new SegmentField($"value.{v.Key}", $"Value: {v.Name}", FieldType.Number, "Values", NumberOps, FieldSource.ValueScore, RefId: v.Id, Reads: RuleReads.Values));
        }

        var questions = await (from q in db.Set<SurveyQuestion>().AsNoTracking()
                               join s in db.Set<Survey>().AsNoTracking() on q.SurveyId equals s.Id
                               orderby s.Id, q.Position
                               select new { q.Id, q.SurveyId, q.Key, q.Kind, q.Prompt, q.Options, s.Title }).ToListAsync(ct);
        foreach (var q in questions)
        {
            var label = $"{q.Title}: {q.Prompt}";
            if (label.Length > 120)
            {
                label = label[..120] + "…";
            }

            var key = $"survey.{q.SurveyId}.{q.Key}";
            switch (q.Kind)
            {
                case SurveyQuestionKind.Rating or SurveyQuestionKind.Nps or SurveyQuestionKind.Csat or SurveyQuestionKind.ValueImportance:
                    extra.Add(new SegmentField(key, label, FieldType.Number, "Surveys", NumberOps, FieldSource.SurveyNumber, RefId: q.Id));
                    break;
                case SurveyQuestionKind.SingleChoice or SurveyQuestionKind.MultipleChoice:
                    var options = (q.Options ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(o => new FieldOption(o, o)).ToList();
                    extra.Add(new SegmentField(key, label, FieldType.Enum, "Surveys", EnumOps, FieldSource.SurveyChoice, RefId: q.Id, Options: options));
                    break;
            }
        }

        var segments = await db.Set<Segment>().AsNoTracking().Select(s => s.Id).ToListAsync(ct);
        return new SegmentFieldCatalogue(extra, segments);
    }

    private static List<SegmentField> BuildFixed()
    {
        const string profile = "Profile";
        const string relationship = "Relationship";
        const string purchases = "Purchases";
        const string analytics = "Analytics";
        const string interactions = "Interactions";
        const string research = "Surveys";
        SegmentField Text(string key, string label, string column) => new(key, label, FieldType.String, profile, StringOps, FieldSource.Column, column);
        SegmentField Number(string key, string label, string group, string column, RuleReads reads = RuleReads.None) =>
            new(key, label, FieldType.Number, group, NumberOps, FieldSource.Column, column, Reads: reads);
        SegmentField Days(string key, string label, string group, string column, RuleReads reads = RuleReads.None) =>
            new(key, label, FieldType.Number, group, DaysOps, FieldSource.DaysSince, column, WholeNumber: true, Reads: reads | RuleReads.Clock);

        return
        [
            Text("firstName", "First name", "c.first_name"),
            Text("lastName", "Last name", "c.last_name"),
            Text("email", "E-mail", "c.email"),
            Text("phone", "Phone", "c.phone"),
            Text("city", "City", "c.city"),
            Text("region", "Region", "c.region"),
            Text("country", "Country (ISO code)", "c.country"),
            Text("postalCode", "Postal code", "c.postal_code"),
            Text("language", "Language", "c.language"),
            Text("source", "Source", "c.source"),
            new("createdAt", "Created on", FieldType.Date, profile, DateOps, FieldSource.InstantDate, "c.created_at"),
            Days("daysSinceCreated", "Days since created", profile, "c.created_at"),
            new("tag", "Tag", FieldType.Tags, profile, SetOps, FieldSource.Tag),
            new("company", "Company (id or name)", FieldType.Reference, profile, SetOps, FieldSource.Company),
            new("owner", "Owner (user id or e-mail)", FieldType.Reference, profile, SetOps, FieldSource.Owner),
            new("stage", "Relationship stage", FieldType.Enum, relationship, OrderedEnumOps, FieldSource.Stage,
                Options: [.. Stages.Stages.All.Select(s => new FieldOption(s.Key(), s.ToString()))], Reads: RuleReads.Analytics),
            Days("daysInStage", "Days in stage", relationship, "m.stage_since", RuleReads.Analytics),
            Number("revenue", "Revenue", purchases, "m.revenue"),
            Number("purchaseCount", "Purchases", purchases, "m.purchase_count"),
            Days("daysSinceLastPurchase", "Days since last purchase", purchases, "m.last_purchase_at"),
            Days("daysSinceFirstPurchase", "Days since first purchase", purchases, "m.first_purchase_at"),
            new("rfmSegment", "RFM segment", FieldType.Enum, analytics, EnumOps, FieldSource.Column, "m.rfm_segment",
                Options: [.. RfmSegments.All.Select(s => new FieldOption(s.Key, s.Name))], Reads: RuleReads.Analytics),
            Number("recencyScore", "Recency score (1–5)", analytics, "m.recency_score", RuleReads.Analytics),
            Number("frequencyScore", "Frequency score (1–5)", analytics, "m.frequency_score", RuleReads.Analytics),
            Number("monetaryScore", "Monetary score (1–5)", analytics, "m.monetary_score", RuleReads.Analytics),
            Number("clv", "Customer lifetime value", analytics, "m.clv", RuleReads.Analytics),
            Number("pAlive", "Probability alive (0–1)", analytics, "m.p_alive", RuleReads.Analytics),
            Number("expectedPurchases", "Expected purchases", analytics, "m.expected_purchases", RuleReads.Analytics),
            Number("interactionCount", "Interactions", interactions, "m.interaction_count"),
            Days("daysSinceLastInteraction", "Days since last interaction", interactions, "m.last_interaction_at"),
            new("alignment", "Value alignment (0–1)", FieldType.Number, "Values", NumberOps, FieldSource.Alignment, Reads: RuleReads.Values),
            new("npsScore", "Latest NPS answer (0–10)", FieldType.Number, research, NumberOps, FieldSource.NpsScore),
            new("npsGroup", "NPS group (latest answer)", FieldType.Enum, research, EnumOps, FieldSource.NpsGroup,
                Options: [new("promoter", "Promoter (9–10)"), new("passive", "Passive (7–8)"), new("detractor", "Detractor (0–6)")]),
            new("segment", "Member of segment", FieldType.Segment, "Segments", SegmentOps, FieldSource.Segment),
        ];
    }
}
