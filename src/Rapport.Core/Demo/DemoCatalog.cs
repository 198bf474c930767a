using Rapport.Customers;
using Rapport.Identity;
using Rapport.Products;

namespace Rapport.Demo;

/// <summary>What a demo customer mostly buys; drives baskets, tags and custom field values.</summary>
internal enum Persona
{
    Coffee,
    Tea,
    Mixed,
    Enthusiast,
    Office,
    Cafe,
}

/// <summary>Which baskets a product appears in.</summary>
internal enum Shelf
{
    CoffeeBeans,
    Tea,
    Equipment,
    Accessory,
    Subscription,
    Service,
    Course,
    Wholesale,
}

internal sealed record DemoProduct(string Sku, string Name, string Category, ProductKind Kind, decimal Price, decimal Cost, Shelf Shelf, string Description)
{
    /// <summary>Id in the target database (existing product with this SKU, or the one just inserted).</summary>
    public long Id { get; set; }
    public bool ForBusiness { get; init; }
}

internal sealed record DemoStaff(string Email, string DisplayName, Identity.Role Role)
{
    public long Id { get; set; }
}

internal sealed record DemoField(string Key, string Label, CustomFieldType Type, string? Options)
{
    public long Id { get; set; }
    /// <summary>False when a field with this key already exists with another type: the demo then leaves it alone.</summary>
    public bool Usable { get; set; } = true;
}

/// <summary>
/// The fixed reference data of the demo shop "Rapport Roasters": a speciality coffee and tea retailer with a web shop,
/// two cafés, a wholesale arm for offices and cafés, and a small academy. Prices are list prices in the reporting currency.
/// </summary>
internal static class DemoCatalog
{
    public const string Source = "demo";
    public const string ShopSource = "shop";

    public static IReadOnlyList<DemoProduct> Products() =>
    [
        // Coffee beans
        new("CB-ETH-YIR-250", "Ethiopia Yirgacheffe, light roast, 250 g", "Coffee beans", ProductKind.Product, 16.50m, 6.90m, Shelf.CoffeeBeans, "Washed heirloom varieties; jasmine, bergamot and lemon. Best as pour-over."),
        new("CB-ETH-YIR-1K", "Ethiopia Yirgacheffe, light roast, 1 kg", "Coffee beans", ProductKind.Product, 54.00m, 23.00m, Shelf.CoffeeBeans, "Washed heirloom varieties; jasmine, bergamot and lemon."),
        new("CB-COL-HUI-250", "Colombia Huila, medium roast, 250 g", "Coffee beans", ProductKind.Product, 14.00m, 5.80m, Shelf.CoffeeBeans, "Caturra and Castillo from smallholders around Pitalito; caramel, red apple, cocoa."),
        new("CB-COL-HUI-1K", "Colombia Huila, medium roast, 1 kg", "Coffee beans", ProductKind.Product, 46.00m, 19.50m, Shelf.CoffeeBeans, "Caturra and Castillo from smallholders around Pitalito."),
        new("CB-BRA-CER-250", "Brazil Cerrado, medium-dark roast, 250 g", "Coffee beans", ProductKind.Product, 12.50m, 4.90m, Shelf.CoffeeBeans, "Natural process; hazelnut, milk chocolate, low acidity."),
        new("CB-BRA-CER-1K", "Brazil Cerrado, medium-dark roast, 1 kg", "Coffee beans", ProductKind.Product, 40.00m, 16.50m, Shelf.CoffeeBeans, "Natural process; hazelnut, milk chocolate, low acidity."),
        new("CB-KEN-NYE-250", "Kenya AA Nyeri, light roast, 250 g", "Coffee beans", ProductKind.Product, 18.00m, 7.80m, Shelf.CoffeeBeans, "SL28 and SL34; blackcurrant, grapefruit, bright and juicy."),
        new("CB-GUA-ANT-250", "Guatemala Antigua, medium roast, 250 g", "Coffee beans", ProductKind.Product, 15.00m, 6.20m, Shelf.CoffeeBeans, "Bourbon grown on volcanic soil; toffee, orange, spice."),
        new("CB-SUM-MAN-250", "Sumatra Mandheling, dark roast, 250 g", "Coffee beans", ProductKind.Product, 15.50m, 6.40m, Shelf.CoffeeBeans, "Wet-hulled; cedar, dark chocolate, heavy body."),
        new("CB-CRI-TAR-250", "Costa Rica Tarrazu, honey process, 250 g", "Coffee beans", ProductKind.Product, 17.00m, 7.20m, Shelf.CoffeeBeans, "Yellow honey process; stone fruit and brown sugar."),
        new("CB-HOUSE-ESP-250", "House Espresso Blend, 250 g", "Coffee beans", ProductKind.Product, 13.50m, 5.20m, Shelf.CoffeeBeans, "Brazil and Colombia; built for milk drinks."),
        new("CB-HOUSE-ESP-1K", "House Espresso Blend, 1 kg", "Coffee beans", ProductKind.Product, 44.00m, 17.80m, Shelf.CoffeeBeans, "Brazil and Colombia; built for milk drinks."),
        new("CB-DECAF-COL-250", "Decaf Colombia, sugar cane process, 250 g", "Coffee beans", ProductKind.Product, 15.00m, 6.60m, Shelf.CoffeeBeans, "Naturally decaffeinated with ethyl acetate from sugar cane; sweet and round."),
        new("CB-SEASONAL-250", "Seasonal single origin, 250 g", "Coffee beans", ProductKind.Product, 19.00m, 8.10m, Shelf.CoffeeBeans, "The roaster's pick of the month."),
        // Tea
        new("TE-SENCHA-100", "Japanese Sencha, 100 g", "Tea", ProductKind.Product, 12.00m, 4.50m, Shelf.Tea, "Steamed green tea from Shizuoka; grassy and sweet."),
        new("TE-ASSAM-250", "Assam Breakfast, 250 g", "Tea", ProductKind.Product, 11.00m, 3.90m, Shelf.Tea, "Malty second flush; takes milk well."),
        new("TE-EARLGREY-100", "Earl Grey with bergamot, 100 g", "Tea", ProductKind.Product, 9.50m, 3.20m, Shelf.Tea, "Ceylon black tea with cold-pressed bergamot oil."),
        new("TE-CHAMOMILE-50", "Egyptian Chamomile, 50 g", "Tea", ProductKind.Product, 8.00m, 2.60m, Shelf.Tea, "Whole flowers; caffeine free."),
        new("TE-DARJ-FF-100", "Darjeeling First Flush, 100 g", "Tea", ProductKind.Product, 16.00m, 6.80m, Shelf.Tea, "Spring harvest; floral and muscatel."),
        new("TE-MATCHA-30", "Ceremonial Matcha, 30 g", "Tea", ProductKind.Product, 24.00m, 10.50m, Shelf.Tea, "Stone-ground tencha from Uji."),
        new("TE-ROOIBOS-100", "Rooibos Vanilla, 100 g", "Tea", ProductKind.Product, 8.50m, 2.90m, Shelf.Tea, "Caffeine free; vanilla and honey."),
        new("TE-OOLONG-100", "Taiwan High Mountain Oolong, 100 g", "Tea", ProductKind.Product, 14.50m, 5.90m, Shelf.Tea, "Rolled oolong; orchid and butter."),
        // Brewing equipment
        new("EQ-DRIPPER-02", "Ceramic pour-over dripper, size 02", "Brewing equipment", ProductKind.Product, 28.00m, 11.00m, Shelf.Equipment, "Spiral ribs, single hole; brews one or two cups."),
        new("EQ-FRENCHPRESS-8", "French press, 8 cups", "Brewing equipment", ProductKind.Product, 39.00m, 15.50m, Shelf.Equipment, "Borosilicate glass, stainless plunger."),
        new("EQ-TRAVELPRESS", "Travel press coffee maker", "Brewing equipment", ProductKind.Product, 42.00m, 19.00m, Shelf.Equipment, "Immersion and pressure in one; fits in a bag."),
        new("EQ-GRINDER-HAND", "Hand grinder with conical burrs", "Brewing equipment", ProductKind.Product, 89.00m, 38.00m, Shelf.Equipment, "Stepped adjustment from espresso to cold brew."),
        new("EQ-GRINDER-ELEC", "Electric burr grinder", "Brewing equipment", ProductKind.Product, 199.00m, 96.00m, Shelf.Equipment, "40 mm flat burrs, 30 grind settings."),
        new("EQ-KETTLE-GOOSE", "Gooseneck kettle with temperature control, 1 l", "Brewing equipment", ProductKind.Product, 79.00m, 34.00m, Shelf.Equipment, "Holds the temperature for an hour."),
        new("EQ-MOKA-6", "Stovetop espresso maker, 6 cups", "Brewing equipment", ProductKind.Product, 35.00m, 13.00m, Shelf.Equipment, "Aluminium, works on gas and electric hobs."),
        new("EQ-ESPRESSO-HOME", "Home espresso machine, single boiler", "Brewing equipment", ProductKind.Product, 549.00m, 310.00m, Shelf.Equipment, "58 mm portafilter, PID temperature control, steam wand."),
        new("EQ-COLDBREW-15", "Cold brew jug, 1.5 l", "Brewing equipment", ProductKind.Product, 32.00m, 12.00m, Shelf.Equipment, "Fine mesh filter; steep overnight in the fridge."),
        new("EQ-SCALE", "Digital brew scale with timer", "Brewing equipment", ProductKind.Product, 45.00m, 18.00m, Shelf.Equipment, "0.1 g resolution, auto-start timer."),
        new("EQ-TEAPOT-CAST", "Cast iron teapot, 0.8 l", "Brewing equipment", ProductKind.Product, 58.00m, 23.00m, Shelf.Equipment, "Enamelled inside, with stainless infuser."),
        // Accessories
        new("AC-FILTERS-02", "Paper filters, size 02, 100 pack", "Accessories", ProductKind.Product, 7.50m, 2.10m, Shelf.Accessory, "Unbleached, for the size 02 dripper."),
        new("AC-MUG-350", "Stoneware mug, 350 ml", "Accessories", ProductKind.Product, 18.00m, 6.50m, Shelf.Accessory, "Hand-glazed; dishwasher safe."),
        new("AC-GLASS-PAIR", "Double-wall glass cups, pair", "Accessories", ProductKind.Product, 24.00m, 9.00m, Shelf.Accessory, "Keeps drinks hot and hands cool."),
        new("AC-TUMBLER", "Insulated travel tumbler, 400 ml", "Accessories", ProductKind.Product, 29.00m, 11.00m, Shelf.Accessory, "Leak-proof lid; hot for six hours."),
        new("AC-CANISTER", "Airtight coffee canister", "Accessories", ProductKind.Product, 22.00m, 8.00m, Shelf.Accessory, "One-way valve keeps beans fresh for weeks."),
        new("AC-TAMPER-58", "Espresso tamper, 58 mm", "Accessories", ProductKind.Product, 34.00m, 12.50m, Shelf.Accessory, "Stainless base, walnut handle."),
        new("AC-PITCHER-600", "Milk frothing pitcher, 600 ml", "Accessories", ProductKind.Product, 21.00m, 7.50m, Shelf.Accessory, "Sharp spout for latte art."),
        new("AC-DESCALER-6", "Descaling tablets, 6 pack", "Accessories", ProductKind.Product, 12.00m, 3.50m, Shelf.Accessory, "Citric acid based; for kettles and espresso machines."),
        new("AC-TEA-INFUSER", "Stainless tea infuser basket", "Accessories", ProductKind.Product, 9.00m, 2.80m, Shelf.Accessory, "Fits most mugs and teapots."),
        // Subscriptions
        new("SUB-COFFEE-MONTHLY", "Coffee subscription, two bags monthly", "Subscriptions", ProductKind.Service, 29.00m, 12.50m, Shelf.Subscription, "Two 250 g bags of the roaster's choice, every month."),
        new("SUB-COFFEE-FORTNIGHT", "Coffee subscription, one bag every two weeks", "Subscriptions", ProductKind.Service, 15.00m, 6.40m, Shelf.Subscription, "One 250 g bag of your favourite, every two weeks."),
        new("SUB-TEA-MONTHLY", "Tea discovery box, monthly", "Subscriptions", ProductKind.Service, 24.00m, 10.00m, Shelf.Subscription, "Four teas from a different region each month."),
        new("SUB-OFFICE-MONTHLY", "Office coffee plan, 5 kg monthly", "Subscriptions", ProductKind.Service, 175.00m, 80.00m, Shelf.Subscription, "Beans, filters and a quarterly machine check for teams.") { ForBusiness = true },
        // Wholesale
        new("WS-ESPRESSO-5K", "House Espresso Blend, 5 kg wholesale", "Coffee beans", ProductKind.Product, 185.00m, 82.00m, Shelf.Wholesale, "Wholesale bag for cafés and offices.") { ForBusiness = true },
        new("WS-FILTER-5K", "Colombia Huila, 5 kg wholesale", "Coffee beans", ProductKind.Product, 195.00m, 88.00m, Shelf.Wholesale, "Wholesale bag for batch brewers.") { ForBusiness = true },
        new("WS-CHAI-1K", "Masala chai blend, 1 kg wholesale", "Tea", ProductKind.Product, 48.00m, 17.00m, Shelf.Wholesale, "Assam, cardamom, ginger and cinnamon for cafés.") { ForBusiness = true },
        new("WS-CUPS-1000", "Compostable cups with lids, 1000 pack", "Accessories", ProductKind.Product, 120.00m, 64.00m, Shelf.Wholesale, "12 oz, plant-based lining.") { ForBusiness = true },
        // Services
        new("SV-GRINDER-SERVICE", "Grinder service and burr alignment", "Services", ProductKind.Service, 45.00m, 15.00m, Shelf.Service, "Cleaning, burr alignment and calibration in our workshop."),
        new("SV-MACHINE-SERVICE", "Espresso machine descaling and service", "Services", ProductKind.Service, 95.00m, 35.00m, Shelf.Service, "Descaling, gasket and shower screen replacement."),
        new("SV-TASTING-PRIVATE", "Private tasting session for up to 8", "Services", ProductKind.Service, 180.00m, 60.00m, Shelf.Service, "A guided tasting at your office or ours.") { ForBusiness = true },
        // Courses
        new("CO-HOME-BARISTA", "Home barista course, 3 hours", "Courses", ProductKind.Service, 85.00m, 30.00m, Shelf.Course, "Dialling in espresso and steaming milk at home."),
        new("CO-LATTE-ART", "Latte art workshop", "Courses", ProductKind.Service, 65.00m, 22.00m, Shelf.Course, "Hearts, tulips and rosettas in two hours."),
        new("CO-CUPPING", "Coffee cupping evening", "Courses", ProductKind.Service, 35.00m, 12.00m, Shelf.Course, "Taste six origins side by side."),
        new("CO-TEA-TASTING", "Introduction to tea tasting", "Courses", ProductKind.Service, 40.00m, 14.00m, Shelf.Course, "Green, oolong, black and pu-erh with our tea buyer."),
        new("CO-PRO-BARISTA", "Professional barista training, 2 days", "Courses", ProductKind.Service, 390.00m, 140.00m, Shelf.Course, "Workflow, extraction and milk for café staff.") { ForBusiness = true },
    ];

    public static IReadOnlyList<DemoStaff> Staff() =>
    [
        new("jordan.reyes@example.com", "Jordan Reyes", Identity.Role.Sales),
        new("priya.nair@example.com", "Priya Nair", Identity.Role.Sales),
        new("sam.okafor@example.com", "Sam Okafor", Identity.Role.Marketing),
        new("lena.fischer@example.com", "Lena Fischer", Identity.Role.Service),
        new("tom.becker@example.com", "Tom Becker", Identity.Role.Service),
    ];

    public static readonly string[] Roasts = ["Light", "Medium", "Dark", "Espresso"];
    public static readonly string[] BrewMethods = ["Espresso", "Pour-over", "French press", "Moka pot", "Cold brew", "Teapot"];

    public const string PreferredRoast = "preferred_roast";
    public const string BrewMethod = "brew_method";
    public const string LoyaltyMember = "loyalty_member";
    public const string CupsPerDay = "cups_per_day";

    public static IReadOnlyList<DemoField> Fields() =>
    [
        new(PreferredRoast, "Preferred roast", CustomFieldType.Choice, string.Join('\n', Roasts)),
        new(BrewMethod, "Brew method", CustomFieldType.Choice, string.Join('\n', BrewMethods)),
        new(LoyaltyMember, "Loyalty member", CustomFieldType.Boolean, null),
        new(CupsPerDay, "Cups per day", CustomFieldType.Number, null),
    ];

    /// <summary>Countries the shop ships to, with their share of customers, Bogus locale and languages spoken.</summary>
    public static readonly (string Country, double Weight, string Locale)[] Countries =
    [
        ("US", 0.60, "en_US"),
        ("GB", 0.12, "en_GB"),
        ("CA", 0.10, "en_CA"),
        ("AU", 0.06, "en_AU"),
        ("DE", 0.07, "de"),
        ("FR", 0.05, "fr"),
    ];

    public static readonly string[] PersonalDomains = ["example.com", "example.org", "example.net"];

    public static readonly string[] OfficeIndustries =
    [
        "Software", "Architecture", "Legal services", "Accounting", "Marketing agency", "Healthcare", "Engineering",
        "Financial services", "Real estate", "Education", "Logistics", "Design studio",
    ];

    public static readonly string[] CafeIndustries = ["Café", "Coffee bar", "Bakery café", "Restaurant", "Hotel"];

    public static readonly string[] CafeNameForms =
    [
        "{0}'s Coffee House", "Café {0}", "The {1} Bean", "{2} Espresso Bar", "{1} & {3} Coffee", "The {1} Cup", "{2} Roastery Café",
        "Bakery {0}", "{1} Spoon Café", "The {3} Room",
    ];

    public static readonly string[] CafeWords = ["Copper", "Golden", "Little", "Daily", "Humble", "Blue", "Velvet", "Morning", "Wild", "Quiet", "Crooked", "Brass"];
    public static readonly string[] CafeNouns = ["Crema", "Fern", "Harbour", "Lantern", "Anchor", "Sparrow", "Orchard", "Ember", "Juniper", "Willow"];
}
