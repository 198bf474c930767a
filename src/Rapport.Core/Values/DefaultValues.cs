namespace Rapport.Values;

/// <summary>
/// A value of the taxonomy as shipped: a stable key, a name and description for people, and the detection vocabulary
/// (words, phrases and variants whose mention in free text counts as a mention of the value; matched after
/// tokenising, lower-casing and stemming, so "sustainable", "sustainably" and "sustainability" need one entry each
/// only where their stems differ).
/// </summary>
/// <param name="Key">Stable identifier, lower snake case, e.g. <c>sustainability</c>.</param>
public sealed record ValueDefinition(string Key, string Name, string Description, IReadOnlyList<string> Vocabulary);

/// <summary>
/// The default value taxonomy every business starts with (issue 5): twelve values a customer may care about. The
/// business edits, adds, merges and retires values from there; this list only seeds a new database and is the
/// taxonomy of theme detection when no database is at hand.
/// </summary>
public static class DefaultValues
{
    public static IReadOnlyList<ValueDefinition> All { get; } =
    [
        new("quality", "Quality",
            "Products that are well made, work well and last; consistent standards.",
            ["quality", "well made", "durable", "lasts", "high standard", "reliable", "top notch", "excellent product"]),
        new("price", "Price",
            "Fair prices, value for money, affordability, discounts and deals.",
            ["price", "cheap", "affordable", "expensive", "value for money", "discount", "deal", "cost", "overpriced", "bargain"]),
        new("convenience", "Convenience",
            "Saving time and effort: fast delivery, easy ordering, availability, simple processes.",
            ["convenient", "easy", "fast delivery", "quick", "hassle", "time saving", "simple", "on time", "next day"]),
        new("sustainability", "Sustainability",
            "Care for the environment: low waste, recyclable packaging, responsible sourcing, carbon footprint.",
            ["sustainable", "eco friendly", "environment", "recyclable", "packaging", "plastic", "carbon", "organic", "waste", "green"]),
        new("community", "Community",
            "Belonging and local ties: events, meeting people, supporting the neighbourhood and local producers.",
            ["community", "local", "neighbourhood", "events", "meet people", "belong", "club", "together"]),
        new("health", "Health",
            "Well-being: healthy, natural or safe ingredients, nutrition, allergies.",
            ["health", "healthy", "natural", "nutrition", "allergy", "sugar free", "wellbeing", "ingredients"]),
        new("innovation", "Innovation",
            "New ideas, new products and technology; being first to try something.",
            ["innovative", "new", "technology", "cutting edge", "latest", "creative", "modern", "first to"]),
        new("craftsmanship", "Craftsmanship",
            "Skill and care in making: handmade, artisanal, attention to detail, tradition.",
            ["handmade", "artisan", "craft", "craftsmanship", "attention to detail", "small batch", "traditional", "skilled"]),
        new("transparency", "Transparency",
            "Honesty and openness: clear information on origin, ingredients, pricing and practices.",
            ["transparent", "honest", "clear information", "traceable", "origin", "open about", "where it comes from", "labelling"]),
        new("service", "Service",
            "Helpful, friendly, responsive people; support, advice and after-sales care.",
            ["service", "staff", "friendly", "helpful", "support", "customer service", "advice", "responsive", "rude"]),
        new("exclusivity", "Exclusivity",
            "Something special: limited editions, premium experiences, members-only access, status.",
            ["exclusive", "limited edition", "premium", "members only", "rare", "special", "vip", "luxury"]),
        new("ethics", "Ethics",
            "Doing right by people and animals: fair trade, fair wages, animal welfare, responsible business.",
            ["ethical", "fair trade", "fair wages", "animal welfare", "cruelty free", "responsible", "exploitation", "human rights"]),
    ];

    public static ValueDefinition? Find(string key) => All.FirstOrDefault(v => v.Key == key);
}
