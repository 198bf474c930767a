using System.Collections.Frozen;
using System.Text;
using Rapport.Interactions;
using Rapport.Products;

namespace Rapport.Imports.Csv;

/// <summary>How a cell is parsed (see <see cref="ImportValues"/>).</summary>
public enum ImportFieldType
{
    Text,
    Email,
    /// <summary>A calendar date (birthday): <see cref="DateOnly"/>.</summary>
    Date,
    /// <summary>A point in time; without an offset it is UTC.</summary>
    Instant,
    Decimal,
    Integer,
    Bool,
    /// <summary>One of <see cref="ImportField.EnumType"/>'s names, case-insensitively, or a listed variant.</summary>
    Enum,
    /// <summary>Several values in one cell separated by <c>;</c>, <c>|</c> or <c>,</c>.</summary>
    List,
}

/// <summary>
/// A field an import column can feed. <c>Key</c> is the canonical column name (snake_case); <c>Aliases</c> are the
/// other headers that map to it, best first (they are compared after <see cref="ImportFields.Normalize"/>).
/// <c>IsCustom</c> marks a customer custom field, addressed by its key.
/// </summary>
public sealed record ImportField(string Key, ImportFieldType Type, string Description, IReadOnlyList<string> Aliases, Type? EnumType = null, bool IsCustom = false)
{
    public override string ToString() => Key;
}

/// <summary>
/// The canonical fields per <see cref="ImportKind"/> with their types and header aliases (variants written by Shopify,
/// WooCommerce, HubSpot, Mailchimp exports and by hand in Excel), and the rule for which fields a file must map.
/// </summary>
public static class ImportFields
{
    public const string ExternalId = "external_id";
    public const string Email = "email";
    public const string FirstName = "first_name";
    public const string LastName = "last_name";
    public const string Name = "name";
    public const string Phone = "phone";
    public const string Street = "street";
    public const string City = "city";
    public const string PostalCode = "postal_code";
    public const string Region = "region";
    public const string Country = "country";
    public const string BirthDate = "birth_date";
    public const string Language = "language";
    public const string Company = "company";
    public const string OwnerEmail = "owner_email";
    public const string Tags = "tags";

    public const string CustomerExternalId = "customer_external_id";
    public const string CustomerEmail = "customer_email";
    public const string CustomerName = "customer_name";
    public const string CustomerFirstName = "customer_first_name";
    public const string CustomerLastName = "customer_last_name";
    public const string OccurredAt = "occurred_at";
    public const string Currency = "currency";
    public const string Amount = "amount";
    public const string Sku = "sku";
    public const string Quantity = "quantity";
    public const string UnitPrice = "unit_price";
    public const string Description = "description";

    public const string Domain = "domain";
    public const string Industry = "industry";
    public const string Website = "website";

    public const string Category = "category";
    public const string ProductKindField = "kind";
    public const string Price = "price";
    public const string Cost = "cost";
    public const string Active = "active";

    public const string Channel = "channel";
    public const string Direction = "direction";
    public const string InteractionTypeField = "type";
    public const string Subject = "subject";
    public const string Notes = "notes";

    private static ImportField F(string key, ImportFieldType type, string description, params string[] aliases) => new(key, type, description, aliases);

    private static ImportField E<TEnum>(string key, string description, params string[] aliases) where TEnum : struct, Enum =>
        new(key, ImportFieldType.Enum, description, aliases, typeof(TEnum));

    private static readonly ImportField[] CustomerRefFields =
    [
        F(CustomerExternalId, ImportFieldType.Text, "The customer's id in the source system.",
            "customer id", "customer number", "customer no", "client id", "client number", "contact id", "user id", "cust id"),
        F(CustomerEmail, ImportFieldType.Email, "The customer's email (finds or creates the customer).",
            "email", "e-mail", "email address", "e-mail address", "customer e-mail", "billing email", "buyer email", "contact email", "mail"),
        F(CustomerName, ImportFieldType.Text, "The customer's full name, split into first and last name.",
            "full name", "billing name", "buyer name", "contact name", "client name", "customer", "name"),
        F(CustomerFirstName, ImportFieldType.Text, "The customer's first name.",
            "first name", "firstname", "given name", "forename", "billing first name", "fname", "prenom", "vorname"),
        F(CustomerLastName, ImportFieldType.Text, "The customer's last name.",
            "last name", "lastname", "surname", "family name", "billing last name", "lname", "nom", "nachname"),
    ];

    private static readonly ImportField[] Customers =
    [
        F(ExternalId, ImportFieldType.Text, "The customer's id in the source system (matched within the import's source).",
            "customer id", "id", "record id", "contact id", "client id", "customer number", "customer no", "client number", "member id", "user id", "kundennummer"),
        F(Email, ImportFieldType.Email, "Email address (customers with the same normalised email are merged).",
            "e-mail", "email address", "e-mail address", "mail", "primary email", "customer email", "contact email", "billing email", "courriel"),
        F(FirstName, ImportFieldType.Text, "First name.",
            "firstname", "first", "given name", "forename", "fname", "billing first name", "prenom", "vorname", "nombre"),
        F(LastName, ImportFieldType.Text, "Last name.",
            "lastname", "last", "surname", "family name", "lname", "billing last name", "nom", "nachname", "apellido"),
        F(Name, ImportFieldType.Text, "Full name, split into first and last name (\"Ada Lovelace\", \"Lovelace, Ada\").",
            "full name", "fullname", "customer name", "contact name", "display name", "client name"),
        F(Phone, ImportFieldType.Text, "Phone number.",
            "phone number", "telephone", "telephone number", "tel", "mobile", "mobile phone", "mobile number", "cell", "cell phone",
            "default address phone", "billing phone", "work phone", "home phone", "telefon"),
        F(Street, ImportFieldType.Text, "Street and number.",
            "street address", "address", "address 1", "address line 1", "address1", "default address address1", "billing address 1",
            "billing address", "strasse", "adresse"),
        F(City, ImportFieldType.Text, "City or town.",
            "town", "locality", "default address city", "billing city", "ort", "ville", "stadt"),
        F(PostalCode, ImportFieldType.Text, "Postal code.",
            "zip", "zip code", "zipcode", "postcode", "post code", "postal", "default address zip", "billing postcode", "billing zip", "plz", "code postal"),
        F(Region, ImportFieldType.Text, "State, province or region.",
            "state", "province", "county", "state region", "state/region", "default address province code", "default address province",
            "billing state", "state province"),
        F(Country, ImportFieldType.Text, "Country: ISO 3166-1 alpha-2 code or name.",
            "country code", "country region", "country/region", "default address country code", "default address country", "billing country", "land", "pays"),
        F(BirthDate, ImportFieldType.Date, "Date of birth.",
            "birthday", "birthdate", "date of birth", "dob", "birth day", "geburtsdatum"),
        F(Language, ImportFieldType.Text, "Preferred language as a language tag (en, fr-CA).",
            "locale", "preferred language", "lang", "language code", "sprache"),
        F(Company, ImportFieldType.Text, "Company name (found case-insensitively, created when new).",
            "company name", "organization", "organisation", "organization name", "employer", "account name", "default address company",
            "billing company", "associated company", "firma"),
        F(OwnerEmail, ImportFieldType.Email, "Email of the Rapport user who owns the customer.",
            "owner email", "owner e-mail", "contact owner email", "account owner email", "sales rep email", "assigned to email"),
        F(Tags, ImportFieldType.List, "Tags, separated by ; or | or , in the cell (added, never removed).",
            "tag", "labels", "label", "segments", "groups"),
        .. ConsentFields.Customer,
    ];

    private static readonly ImportField[] Companies =
    [
        F(ExternalId, ImportFieldType.Text, "The company's id in the source system.",
            "company id", "account id", "organization id", "record id", "id"),
        F(Name, ImportFieldType.Text, "Company name.",
            "company name", "company", "organization", "organisation", "organization name", "account name", "business name"),
        F(Domain, ImportFieldType.Text, "Internet domain (example.com).",
            "company domain name", "company domain", "email domain", "web domain"),
        F(Industry, ImportFieldType.Text, "Industry or sector.",
            "sector", "branche", "business type", "vertical"),
        F(Website, ImportFieldType.Text, "Website URL.",
            "website url", "url", "web", "homepage", "home page", "site", "web site"),
        F(Phone, ImportFieldType.Text, "Phone number.",
            "phone number", "telephone", "tel", "company phone", "main phone"),
        F(City, ImportFieldType.Text, "City.",
            "town", "billing city", "ort", "ville"),
        F(Country, ImportFieldType.Text, "Country: ISO 3166-1 alpha-2 code or name.",
            "country code", "country region", "country/region", "billing country"),
    ];

    private static readonly ImportField[] Products =
    [
        F(Sku, ImportFieldType.Text, "Stock keeping unit (products are matched by it, case-sensitively).",
            "variant sku", "product sku", "item sku", "product code", "item code", "item number", "article number", "article no", "product id", "artikelnummer"),
        F(Name, ImportFieldType.Text, "Product name.",
            "title", "product name", "product", "item name", "product title", "bezeichnung"),
        F(Description, ImportFieldType.Text, "Description.",
            "body", "body html", "body (html)", "product description", "short description", "details"),
        F(Category, ImportFieldType.Text, "Category.",
            "type", "product type", "product category", "categories", "group", "kategorie"),
        E<ProductKind>(ProductKindField, "product or service.",
            "product kind", "item type"),
        F(Price, ImportFieldType.Decimal, "Selling price.",
            "variant price", "regular price", "unit price", "sale price", "list price", "amount", "preis"),
        F(Cost, ImportFieldType.Decimal, "Cost price.",
            "cost per item", "unit cost", "purchase price", "cost price"),
        F(Currency, ImportFieldType.Text, "ISO 4217 currency code of price and cost.",
            "currency code", "price currency"),
        F(Active, ImportFieldType.Bool, "Whether the product is sold (yes/no, true/false, active/draft/archived).",
            "is active", "enabled", "published", "status", "available"),
    ];

    private static readonly ImportField[] Transactions =
    [
        F(ExternalId, ImportFieldType.Text, "Order id: rows with the same order id next to each other are the lines of one order.",
            "order id", "order number", "order no", "order", "order #", "order_id", "invoice number", "invoice id", "invoice no", "transaction id",
            "receipt number", "reference", "id"),
        .. CustomerRefFields,
        F(OccurredAt, ImportFieldType.Instant, "When the order was placed (UTC when the value has no offset).",
            "date", "order date", "created at", "created", "paid at", "purchase date", "transaction date", "invoice date", "date created",
            "timestamp", "time", "datum"),
        F(Currency, ImportFieldType.Text, "ISO 4217 currency code.",
            "currency code", "order currency", "währung", "waehrung", "devise", "moneda"),
        F(Amount, ImportFieldType.Decimal, "The order total.",
            "total", "order total", "grand total", "total amount", "amount paid", "total price", "revenue", "value", "sales", "betrag"),
        F(Sku, ImportFieldType.Text, "A line's product SKU.",
            "lineitem sku", "line item sku", "item sku", "product sku", "product code", "article number"),
        F(Quantity, ImportFieldType.Decimal, "A line's quantity.",
            "qty", "lineitem quantity", "line item quantity", "item quantity", "item qty", "units", "quantity ordered", "menge"),
        F(UnitPrice, ImportFieldType.Decimal, "A line's unit price.",
            "price", "lineitem price", "line item price", "item price", "item cost", "price per unit", "unit cost"),
        F(Description, ImportFieldType.Text, "A line's description.",
            "lineitem name", "line item name", "item name", "product name", "product", "item", "item description"),
    ];

    private static readonly ImportField[] Interactions =
    [
        F(ExternalId, ImportFieldType.Text, "The interaction's id in the source system (re-importing updates it).",
            "interaction id", "activity id", "engagement id", "ticket id", "id"),
        .. CustomerRefFields,
        E<InteractionChannel>(Channel, "email, phone, sms, web, in person, social, chat, post, other.",
            "medium", "via", "contact channel", "source channel"),
        E<InteractionDirection>(Direction, "inbound, outbound or internal.",
            "in out", "inbound outbound"),
        E<InteractionType>(InteractionTypeField, "note, call, meeting, email, message, visit, enquiry, support, complaint, feedback, other.",
            "interaction type", "activity type", "engagement type", "kind", "category"),
        F(Subject, ImportFieldType.Text, "Subject or title.",
            "title", "topic", "summary", "headline"),
        F(Notes, ImportFieldType.Text, "Notes or body text.",
            "note", "body", "description", "content", "comments", "comment", "details", "message", "text"),
        F(OccurredAt, ImportFieldType.Instant, "When it happened (UTC when the value has no offset).",
            "date", "timestamp", "activity date", "created at", "created", "time", "date time", "datetime"),
    ];

    private static readonly FrozenDictionary<ImportKind, Catalogue> Catalogues = new Dictionary<ImportKind, Catalogue>
    {
        [ImportKind.Customers] = new(Customers),
        [ImportKind.Companies] = new(Companies),
        [ImportKind.Products] = new(Products),
        [ImportKind.Transactions] = new(Transactions),
        [ImportKind.Interactions] = new(Interactions),
    }.ToFrozenDictionary();

    /// <summary>The canonical fields of a kind, in documentation order.</summary>
    public static IReadOnlyList<ImportField> For(ImportKind kind) => Catalogues[kind].Fields;

    /// <summary>The field of a kind with this key (canonical key, compared after normalising), or null.</summary>
    public static ImportField? Find(ImportKind kind, string key) =>
        Catalogues[kind].ByKey.GetValueOrDefault(Normalize(key));

    /// <summary>A custom field of customers, addressed by its key.</summary>
    public static ImportField Custom(string key) => new(key, ImportFieldType.Text, "Custom field (parsed by its type when stored).", [], IsCustom: true);

    /// <summary>The field a header names and how good the match is (0 = the canonical name, higher = a later alias).</summary>
    internal static (ImportField Field, int Rank)? Match(ImportKind kind, string header) =>
        Catalogues[kind].ByAlias.TryGetValue(Normalize(header), out var hit) ? hit : null;

    /// <summary>
    /// The form headers and keys are compared in: lower case, accents folded, only letters and digits kept
    /// ("E-Mail Address" → "emailaddress", "Prénom" → "prenom", "first_name" → "firstname").
    /// </summary>
    public static string Normalize(string header)
    {
        var folded = Common.Validate.Fold(header);
        var sb = new StringBuilder(folded.Length);
        foreach (var c in folded)
        {
            if (char.IsLetterOrDigit(c))
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    /// <summary>
    /// What a file of this kind must map, as groups of alternatives (one field of each group): e.g. for transactions
    /// [customer_external_id | customer_email], [occurred_at], [currency], [amount | unit_price].
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<string>> Required(ImportKind kind) => kind switch
    {
        ImportKind.Customers => [[ExternalId, Email]],
        ImportKind.Companies => [[ExternalId, Name, Domain]],
        ImportKind.Products => [[Sku]],
        ImportKind.Transactions => [[CustomerExternalId, CustomerEmail], [OccurredAt], [Currency], [Amount, UnitPrice]],
        ImportKind.Interactions => [[CustomerExternalId, CustomerEmail], [OccurredAt]],
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private sealed class Catalogue
    {
        public Catalogue(ImportField[] fields)
        {
            Fields = fields;
            ByKey = fields.ToFrozenDictionary(f => Normalize(f.Key));
            var byAlias = new Dictionary<string, (ImportField, int)>();
            foreach (var field in fields)
            {
                byAlias[Normalize(field.Key)] = (field, 0);
            }

            // A later field never takes an alias an earlier field (or any canonical key) already has.
            foreach (var field in fields)
            {
                for (var i = 0; i < field.Aliases.Count; i++)
                {
                    byAlias.TryAdd(Normalize(field.Aliases[i]), (field, i + 1));
                }
            }

            ByAlias = byAlias.ToFrozenDictionary();
        }

        public IReadOnlyList<ImportField> Fields { get; }
        public FrozenDictionary<string, ImportField> ByKey { get; }
        public FrozenDictionary<string, (ImportField Field, int Rank)> ByAlias { get; }
    }
}
