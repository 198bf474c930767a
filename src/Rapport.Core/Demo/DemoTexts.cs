using Rapport.Interactions;

namespace Rapport.Demo;

/// <summary>When an interaction template fits in a customer's history.</summary>
internal enum Moment
{
    /// <summary>Before the first purchase: questions from prospects.</summary>
    Prospect,
    /// <summary>Days after a purchase; <c>{product}</c> is an item of that order.</summary>
    AfterPurchase,
    /// <summary>Account management with a business customer; <c>{company}</c> is their company.</summary>
    Account,
    /// <summary>Any time while the customer is active.</summary>
    Anytime,
}

/// <summary>
/// One kind of touchpoint. Placeholders: <c>{first}</c> (customer's first name), <c>{product}</c>, <c>{company}</c>,
/// <c>{staff}</c> (the staff member who logged it), <c>{days}</c> (a small number of days).
/// </summary>
internal sealed record InteractionTemplate(
    Moment Moment,
    double Weight,
    InteractionChannel Channel,
    InteractionDirection Direction,
    InteractionType Type,
    Identity.Role? LoggedBy,
    string Subject,
    string Notes);

internal static class DemoTexts
{
    public static readonly InteractionTemplate[] Templates =
    [
        // Prospects
        new(Moment.Prospect, 3, InteractionChannel.Chat, InteractionDirection.Inbound, InteractionType.Enquiry, null,
            "Which beans for a moka pot?", "Asked which of our coffees suit a stovetop espresso maker. Suggested the House Espresso Blend or Brazil Cerrado, medium-fine grind."),
        new(Moment.Prospect, 2, InteractionChannel.Web, InteractionDirection.Inbound, InteractionType.Enquiry, null,
            "Shipping times", "Contact form: wants to know how long delivery takes. We roast Monday to Thursday and ship within 24 hours."),
        new(Moment.Prospect, 2, InteractionChannel.Email, InteractionDirection.Inbound, InteractionType.Enquiry, Identity.Role.Service,
            "Decaf options", "Asked whether our decaf is chemical free. {staff} explained the sugar cane process and sent tasting notes."),
        new(Moment.Prospect, 1, InteractionChannel.InPerson, InteractionDirection.Inbound, InteractionType.Visit, Identity.Role.Sales,
            "Visited the café", "Tried a pour-over at the café counter and took a price list home."),
        new(Moment.Prospect, 1, InteractionChannel.Web, InteractionDirection.Inbound, InteractionType.Enquiry, null,
            "Gift ideas", "Looking for a gift for a coffee lover, budget around 60. Pointed to the starter set: dripper, filters and a 250 g bag."),

        // After a purchase
        new(Moment.AfterPurchase, 4, InteractionChannel.Email, InteractionDirection.Inbound, InteractionType.Feedback, null,
            "Loved the {product}", "{first} wrote to say the {product} was excellent and asked when the next lot arrives."),
        new(Moment.AfterPurchase, 3, InteractionChannel.Web, InteractionDirection.Inbound, InteractionType.Feedback, null,
            "Product review: {product}", "Left a 5-star review: fresh, well packed, will order again."),
        new(Moment.AfterPurchase, 1, InteractionChannel.Web, InteractionDirection.Inbound, InteractionType.Feedback, null,
            "Product review: {product}", "Left a 3-star review: good, but expected a stronger flavour."),
        new(Moment.AfterPurchase, 2, InteractionChannel.Chat, InteractionDirection.Inbound, InteractionType.Support, Identity.Role.Service,
            "Where is my order?", "Tracking had not updated for {days} days. {staff} checked with the carrier; parcel delivered the next morning."),
        new(Moment.AfterPurchase, 2, InteractionChannel.Phone, InteractionDirection.Inbound, InteractionType.Support, Identity.Role.Service,
            "Grind size help", "Called because the {product} tasted sour. {staff} suggested a finer grind and a longer brew time; customer will try again."),
        new(Moment.AfterPurchase, 1, InteractionChannel.Email, InteractionDirection.Inbound, InteractionType.Complaint, Identity.Role.Service,
            "Damaged parcel", "The {product} arrived with a crushed box. {staff} sent a replacement at no charge and apologised."),
        new(Moment.AfterPurchase, 1, InteractionChannel.Phone, InteractionDirection.Inbound, InteractionType.Complaint, Identity.Role.Service,
            "Late delivery", "Order arrived {days} days later than promised. {staff} refunded the shipping fee."),
        new(Moment.AfterPurchase, 1, InteractionChannel.Email, InteractionDirection.Outbound, InteractionType.Email, Identity.Role.Service,
            "How are you getting on with the {product}?", "{staff} sent brewing tips for the {product} and a link to our brew guides."),
        new(Moment.AfterPurchase, 1, InteractionChannel.Chat, InteractionDirection.Inbound, InteractionType.Enquiry, null,
            "Can I change my delivery address?", "Wanted the order sent to work instead of home. Address changed before dispatch."),

        // Business accounts
        new(Moment.Account, 3, InteractionChannel.Phone, InteractionDirection.Outbound, InteractionType.Call, Identity.Role.Sales,
            "Quarterly check-in with {company}", "{staff} called {first} about consumption and next quarter's volumes. Happy with the current blend."),
        new(Moment.Account, 2, InteractionChannel.InPerson, InteractionDirection.Outbound, InteractionType.Meeting, Identity.Role.Sales,
            "Tasting session at {company}", "{staff} ran a cupping for the team with three candidate blends; they prefer the Colombia."),
        new(Moment.Account, 1, InteractionChannel.Email, InteractionDirection.Inbound, InteractionType.Enquiry, Identity.Role.Sales,
            "Wholesale price list", "{company} asked for the current wholesale prices and delivery days. {staff} sent the price list."),
        new(Moment.Account, 1, InteractionChannel.Phone, InteractionDirection.Inbound, InteractionType.Support, Identity.Role.Service,
            "Machine not heating", "Espresso machine at {company} lost pressure. {staff} booked a technician within {days} days."),
        new(Moment.Account, 1, InteractionChannel.InPerson, InteractionDirection.Outbound, InteractionType.Meeting, Identity.Role.Sales,
            "Contract renewal with {company}", "{staff} met {first} to renew the supply agreement for another year."),
        new(Moment.Account, 1, InteractionChannel.Other, InteractionDirection.Internal, InteractionType.Note, Identity.Role.Sales,
            "Account note", "{company} prefers deliveries before 10 am; invoice monthly."),

        // Any time
        new(Moment.Anytime, 2, InteractionChannel.Other, InteractionDirection.Internal, InteractionType.Note, Identity.Role.Service,
            "Note", "{first} prefers beans whole, never ground."),
        new(Moment.Anytime, 1, InteractionChannel.Other, InteractionDirection.Internal, InteractionType.Note, Identity.Role.Marketing,
            "Note", "Interested in the home barista course; let {first} know about the next date."),
        new(Moment.Anytime, 1, InteractionChannel.Other, InteractionDirection.Internal, InteractionType.Note, Identity.Role.Service,
            "Note", "Allergic to nuts: do not add flavoured samples to orders."),
        new(Moment.Anytime, 2, InteractionChannel.Email, InteractionDirection.Inbound, InteractionType.Enquiry, null,
            "Subscription pause", "Asked to pause deliveries for {days} weeks while travelling."),
        new(Moment.Anytime, 1, InteractionChannel.Social, InteractionDirection.Inbound, InteractionType.Message, null,
            "Mention on social media", "Shared a photo of their morning brew and tagged the shop."),
        new(Moment.Anytime, 1, InteractionChannel.Sms, InteractionDirection.Outbound, InteractionType.Message, Identity.Role.Service,
            "Order ready for pickup", "Order ready for pickup at the café counter."),
        new(Moment.Anytime, 1, InteractionChannel.InPerson, InteractionDirection.Inbound, InteractionType.Visit, Identity.Role.Sales,
            "Café visit", "Came by the café, tasted the seasonal single origin and chatted with {staff} about brewing at home."),
        new(Moment.Anytime, 1, InteractionChannel.Phone, InteractionDirection.Outbound, InteractionType.Call, Identity.Role.Marketing,
            "Loyalty programme", "{staff} called to explain the loyalty programme; {first} signed up."),
    ];

    /// <summary>Fills the placeholders of a template text.</summary>
    public static string Fill(string text, string first, string? product, string? company, string? staff, int days)
    {
        if (!text.Contains('{', StringComparison.Ordinal))
        {
            return text;
        }

        return text
            .Replace("{first}", first, StringComparison.Ordinal)
            .Replace("{product}", product ?? "order", StringComparison.Ordinal)
            .Replace("{company}", company ?? "the company", StringComparison.Ordinal)
            .Replace("{staff}", staff ?? "The team", StringComparison.Ordinal)
            .Replace("{days}", days.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }
}
