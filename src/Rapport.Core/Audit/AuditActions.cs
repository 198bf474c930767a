namespace Rapport.Audit;

/// <summary>Action names recorded outside the generic <c>&lt;entity&gt;.created/updated/deleted</c> of the interceptor.</summary>
public static class AuditActions
{
    public const string CustomerViewed = "customer.viewed";
    public const string TimelineViewed = "customer.timeline_viewed";
    public const string Export = "export";
    public const string CustomerExported = "customer.exported";
    public const string Import = "import";
    public const string CustomerDeleted = "customer.deleted";
}
