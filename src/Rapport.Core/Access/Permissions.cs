using System.Collections.Frozen;
using Rapport.Identity;

namespace Rapport.Access;

/// <summary>
/// The modules of the permission matrix. Each names a part of the product a newcomer recognises; docs/security.md
/// lists what each covers.
/// </summary>
public static class Modules
{
    /// <summary>Customers, companies, interactions (notes, calls, interviews), transactions, tasks, duplicates, saved views.</summary>
    public const string Customers = "customers";
    /// <summary>Products, the value taxonomy, products' value tags, partners.</summary>
    public const string Catalog = "catalog";
    /// <summary>Surveys and their responses, research sessions, emergent themes, value-profile recompute.</summary>
    public const string Research = "research";
    /// <summary>Dashboards, KPIs, the value map, the data-quality report, analytics recompute.</summary>
    public const string Analytics = "analytics";
    /// <summary>Segments, lifecycle stages and their settings, playbooks, the CRM plan.</summary>
    public const string Segments = "segments";
    /// <summary>Import runs and their history (an import also needs edit on the module it writes to).</summary>
    public const string Imports = "imports";
    /// <summary>Consent, preferences, data-subject requests, retention (issue 7's other slices).</summary>
    public const string Privacy = "privacy";
    /// <summary>Users, teams, API keys, custom field definitions, webhooks, the permission matrix, settings.</summary>
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Customers, Catalog, Research, Analytics, Segments, Imports, Privacy, Admin];
}

public static class Actions
{
    public const string View = "view";
    public const string Edit = "edit";
    public const string Delete = "delete";
    public const string Export = "export";
    /// <summary>Only on <see cref="Modules.Customers"/>: see sensitive fields (birth date, custom fields marked sensitive).</summary>
    public const string ViewSensitive = "view-sensitive";

    public static readonly IReadOnlyList<string> Standard = [View, Edit, Delete, Export];
}

/// <summary>
/// Every permission (<c>module.action</c>) and what each role gets before an admin changes anything. The defaults are
/// exactly the rights of the five roles before the matrix existed (read / write-crm / write-catalog / write-research /
/// admin), so upgrading changes nothing until an admin edits the matrix.
/// </summary>
public static class Permissions
{
    public const string CustomersView = "customers.view";
    public const string CustomersEdit = "customers.edit";
    public const string CustomersDelete = "customers.delete";
    public const string CustomersExport = "customers.export";
    public const string CustomersViewSensitive = "customers.view-sensitive";
    public const string CatalogView = "catalog.view";
    public const string CatalogEdit = "catalog.edit";
    public const string CatalogDelete = "catalog.delete";
    public const string CatalogExport = "catalog.export";
    public const string ResearchView = "research.view";
    public const string ResearchEdit = "research.edit";
    public const string ResearchDelete = "research.delete";
    public const string ResearchExport = "research.export";
    public const string AnalyticsView = "analytics.view";
    public const string AnalyticsEdit = "analytics.edit";
    public const string AnalyticsDelete = "analytics.delete";
    public const string AnalyticsExport = "analytics.export";
    public const string SegmentsView = "segments.view";
    public const string SegmentsEdit = "segments.edit";
    public const string SegmentsDelete = "segments.delete";
    public const string SegmentsExport = "segments.export";
    public const string ImportsView = "imports.view";
    public const string ImportsEdit = "imports.edit";
    public const string ImportsDelete = "imports.delete";
    public const string ImportsExport = "imports.export";
    public const string PrivacyView = "privacy.view";
    public const string PrivacyEdit = "privacy.edit";
    public const string PrivacyDelete = "privacy.delete";
    public const string PrivacyExport = "privacy.export";
    public const string AdminView = "admin.view";
    public const string AdminEdit = "admin.edit";
    public const string AdminDelete = "admin.delete";
    public const string AdminExport = "admin.export";

    public static string Name(string module, string action) => $"{module}.{action}";

    /// <summary>Every permission, in the order the admin grid shows them.</summary>
    public static readonly IReadOnlyList<string> All = Modules.All
        .SelectMany(m => (m == Modules.Customers ? [.. Actions.Standard, Actions.ViewSensitive] : Actions.Standard).Select(a => Name(m, a)))
        .ToList();

    public static readonly FrozenSet<string> Known = All.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>The admin role keeps these whatever the matrix says, so that no edit can lock every admin out.</summary>
    public static readonly FrozenSet<string> LockedForAdmin = Actions.Standard.Select(a => Name(Modules.Admin, a)).ToFrozenSet(StringComparer.Ordinal);

    public static (string Module, string Action) Split(string permission)
    {
        var dot = permission.IndexOf('.', StringComparison.Ordinal);
        return (permission[..dot], permission[(dot + 1)..]);
    }

    private static readonly Role[] Everyone = [Role.Admin, Role.Marketing, Role.Sales, Role.Service, Role.Analyst];
    private static readonly Role[] CrmWriters = [Role.Admin, Role.Marketing, Role.Sales, Role.Service];
    private static readonly Role[] CatalogWriters = [Role.Admin, Role.Marketing];
    private static readonly Role[] Admins = [Role.Admin];

    /// <summary>
    /// Role → permissions at installation (migration 0019 seeds the same rows). Reads and exports were open to every
    /// role; writes followed write-crm (customers, analytics, imports), write-catalog (catalog, segments, stages, plan,
    /// playbooks), write-research (research) and admin.
    /// </summary>
    public static readonly IReadOnlyDictionary<Role, FrozenSet<string>> Defaults = BuildDefaults();

    private static Dictionary<Role, FrozenSet<string>> BuildDefaults()
    {
        var grants = new List<(string Permission, Role[] Roles)>
        {
            (CustomersView, Everyone), (CustomersEdit, CrmWriters), (CustomersDelete, CrmWriters), (CustomersExport, Everyone),
            (CustomersViewSensitive, Everyone),
            (CatalogView, Everyone), (CatalogEdit, CatalogWriters), (CatalogDelete, CatalogWriters), (CatalogExport, Everyone),
            (ResearchView, Everyone), (ResearchEdit, CatalogWriters), (ResearchDelete, CatalogWriters), (ResearchExport, Everyone),
            (AnalyticsView, Everyone), (AnalyticsEdit, CrmWriters), (AnalyticsDelete, CrmWriters), (AnalyticsExport, Everyone),
            (SegmentsView, Everyone), (SegmentsEdit, CatalogWriters), (SegmentsDelete, CatalogWriters), (SegmentsExport, Everyone),
            (ImportsView, Everyone), (ImportsEdit, CrmWriters), (ImportsDelete, CrmWriters), (ImportsExport, Everyone),
            (PrivacyView, Everyone), (PrivacyEdit, CrmWriters), (PrivacyDelete, Admins), (PrivacyExport, Admins),
            (AdminView, Admins), (AdminEdit, Admins), (AdminDelete, Admins), (AdminExport, Admins),
        };
        return Everyone.ToDictionary(
            r => r,
            r => grants.Where(g => g.Roles.Contains(r)).Select(g => g.Permission).ToFrozenSet(StringComparer.Ordinal));
    }
}

/// <summary>One granted cell of the matrix: a row means the role has the permission.</summary>
public sealed class RolePermission
{
    public Role Role { get; set; }
    public string Module { get; set; } = "";
    public string Action { get; set; } = "";
}

/// <summary>A key/value setting of the access features (record ownership); one row per key.</summary>
public sealed class AccessSetting
{
    public string Key { get; set; } = "";
    public string Value { get; set; } = "";
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A sales team: with record ownership on, a restricted user sees customers owned by anyone in their team.</summary>
public sealed class Team
{
    public long Id { get; set; }
    public string Name { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
}
