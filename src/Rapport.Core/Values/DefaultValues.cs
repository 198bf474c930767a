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
            ["quality", "well made", "durable", "lasts", "high standard", "reliable", "top notch", "excellent product",
             "well built", "built to last", "made to last", "long lasting", "lasted", "sturdy", "flimsy", "solid", "fell apart", "falls apart", "fall apart", "falling apart", "broke", "broken", "faulty", "defective", "stopped working", "cheaply made", "poor quality", "quality control", "shoddy", "worn out", "as described", "not as described", "flawless", "tastes amazing", "fresh", "tasty", "delicious", "mouldy", "stale", "shrank", "pilled", "seams"]),
        new("price", "Price",
            "Fair prices, value for money, affordability, discounts and deals.",
            ["price", "cheap", "affordable", "expensive", "value for money", "discount", "deal", "cost", "overpriced", "bargain",
             "prices", "priced", "pricey", "costs", "costly", "cheaper", "cheapest", "value", "good value", "best value", "worth the money", "worth every penny", "waste of money", "money", "pay more", "pay extra", "paying more", "paid a lot", "sale", "sales", "offers", "half price", "fee", "fees", "charged", "postage", "afford", "budget", "rip off", "price increase", "free delivery", "£", "$", "€"]),
        new("convenience", "Convenience",
            "Saving time and effort: fast delivery, easy ordering, availability, simple processes.",
            ["convenient", "easy", "fast delivery", "quick", "hassle", "time saving", "simple", "on time", "next day",
             "delivery", "delivered", "deliveries", "arrived", "arrive", "shipping", "parcel", "courier", "website", "app", "checkout", "check out", "opening hours", "in stock", "out of stock", "click and collect", "pick up", "pick up points", "collection point", "queue", "delayed", "delay", "same day", "free delivery", "delivery slot", "delivery slots", "one click", "easy to use", "easy to order", "easy to return", "reorder", "reordering", "restocked"]),
        new("sustainability", "Sustainability",
            "Care for the environment: low waste, recyclable packaging, responsible sourcing, carbon footprint.",
            ["sustainable", "eco friendly", "environment", "recyclable", "packaging", "plastic", "carbon", "organic", "waste", "green",
             "recycling", "recycle", "recycled", "reusable", "refill", "refills", "plastic free", "palm oil", "planet", "compostable", "single use", "carbon neutral", "climate", "less waste", "zero waste", "second hand", "eco", "environmentally"]),
        new("community", "Community",
            "Belonging and local ties: events, meeting people, supporting the neighbourhood and local producers.",
            ["community", "local", "neighbourhood", "events", "meet people", "belong", "club", "together",
             "neighbours", "neighbors", "neighbourhood", "neighborhood", "town", "meeting point", "gathering", "sponsoring", "sponsor", "charity", "book club", "knows my name", "local businesses", "local producers", "food bank"]),
        new("health", "Health",
            "Well-being: healthy, natural or safe ingredients, nutrition, allergies.",
            ["health", "healthy", "natural", "nutrition", "allergy", "sugar free", "wellbeing", "ingredients",
             "sugar", "salt", "salty", "low salt", "protein", "gluten", "gluten free", "allergens", "allergies", "allergen", "diabetics", "additives", "vegetarian", "low fat", "vitamins", "diet", "nutrition facts", "skincare"]),
        new("innovation", "Innovation",
            "New ideas, new products and technology; being first to try something.",
            ["innovative", "new", "technology", "cutting edge", "latest", "creative", "modern", "first to",
             "idea", "ideas", "new ideas", "feature", "features", "experimental", "clever design", "try on", "new flavours", "new collection", "new range", "something new", "nothing new", "innovation", "invented"]),
        new("craftsmanship", "Craftsmanship",
            "Skill and care in making: handmade, artisanal, attention to detail, tradition.",
            ["handmade", "artisan", "craft", "craftsmanship", "attention to detail", "small batch", "traditional", "skilled",
             "hand stitched", "hand finished", "handcrafted", "crafted", "artisanal", "artisans", "mass produced", "made by hand", "skill", "workshop", "stitching", "factory made", "traditional methods"]),
        new("transparency", "Transparency",
            "Honesty and openness: clear information on origin, ingredients, pricing and practices.",
            ["transparent", "honest", "clear information", "traceable", "origin", "open about", "where it comes from", "labelling",
             "honest", "honesty", "dishonest", "label", "labels", "ingredient list", "supply chain", "supplier list", "misleading", "hidden fees", "hidden", "claims", "certificates", "fully traceable", "comes from", "come from", "being open"]),
        new("service", "Service",
            "Helpful, friendly, responsive people; support, advice and after-sales care.",
            ["service", "staff", "friendly", "helpful", "support", "customer service", "advice", "responsive", "rude",
             "the team", "your team", "support team", "customer care", "answered", "on hold", "refund", "barista", "store manager", "shop manager", "the manager", "respond", "reply", "replied", "delivery driver", "seller", "assistant", "shop assistant", "helped", "chat support", "returns desk"]),
        new("exclusivity", "Exclusivity",
            "Something special: limited editions, premium experiences, members-only access, status.",
            ["exclusive", "limited edition", "premium", "members only", "rare", "special", "vip", "luxury",
             "collector's edition", "collectors edition", "early access", "posh", "lounge", "members", "membership", "one of a kind", "unique", "sold out", "special occasions"]),
        new("ethics", "Ethics",
            "Doing right by people and animals: fair trade, fair wages, animal welfare, responsible business.",
            ["ethical", "fair trade", "fair wages", "animal welfare", "cruelty free", "responsible", "exploitation", "human rights",
             "animal testing", "child labour", "living wage", "paid fairly", "paid properly", "fairly traded", "workers", "b corp", "vegan", "animals", "slave", "fur", "refugee", "charity"]),
    ];

    public static ValueDefinition? Find(string key) => All.FirstOrDefault(v => v.Key == key);
}
