using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Rapport.Customers;
using Rapport.Data;

namespace Rapport.Tests.Data;

/// <summary>
/// The scale path in DESIGN.md (Citus with <c>customer_id</c> as distribution column) holds only if every table whose
/// rows belong to a customer carries <c>customer_id</c> itself, also when it hangs off another customer-owned table
/// (transaction lines under transactions). Checked on the EF model, so new features are covered as they are added.
/// </summary>
public sealed class CustomerOwnedTablesTests
{
    [Fact]
    public void Every_table_that_belongs_to_a_customer_carries_customer_id()
    {
        var owned = OwnedTables(Model());

        owned.Select(e => e.GetTableName()).Should().Contain(["customer_tags", "interactions", "transactions", "transaction_lines"],
            "the walk finds the customer-owned tables we know of");
        var missing = owned
            .Where(e => e.GetProperties().All(p => p.GetColumnName() != "customer_id"))
            .Select(e => e.GetTableName())
            .Except(RelateTwoCustomers)
            .ToList();
        missing.Should().BeEmpty("every customer-owned table carries customer_id (DESIGN.md, scale path)");
    }

    /// <summary>Tables owned by a customer: a required foreign key to the customer or to a row that is itself customer-owned.</summary>
    internal static HashSet<IEntityType> OwnedTables(IModel model)
    {
        var customer = model.FindEntityType(typeof(Customer))!;

        var owned = new HashSet<IEntityType>();
        bool changed;
        do
        {
            changed = false;
            foreach (var entity in model.GetEntityTypes().Where(e => e != customer && !owned.Contains(e)))
            {
                // Owned when a required foreign key points at the customer or at a row that is itself customer-owned.
                if (entity.GetForeignKeys().Any(fk => fk.IsRequired && (fk.PrincipalEntityType == customer || owned.Contains(fk.PrincipalEntityType))))
                {
                    owned.Add(entity);
                    changed = true;
                }
            }
        }
        while (changed);

        return owned;
    }

    /// <summary>
    /// Tables whose rows relate two customers, so no single customer owns them: duplicate candidates pair two ids.
    /// They stay small and live on the coordinator (a reference table) in the scale path.
    /// </summary>
    private static readonly string[] RelateTwoCustomers = ["duplicate_candidates"];

    /// <summary>The model does not depend on the provider for tables, columns and keys; SQLite needs no server.</summary>
    internal static IModel Model()
    {
        var options = new DbContextOptionsBuilder<RapportDbContext>();
        new RapportDatabase(DatabaseProvider.Sqlite, "Data Source=:memory:").Configure(options);
        using var db = new RapportDbContext(options.Options);
        return db.Model;
    }
}
