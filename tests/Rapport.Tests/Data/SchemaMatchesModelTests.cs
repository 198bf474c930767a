using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Rapport.Data;
using Rapport.Tests.Infrastructure;

namespace Rapport.Tests.Data;

/// <summary>
/// The schema the numbered migration scripts build must be the schema EF Core's model describes, or queries written
/// against the model meet a different database in production. Both are built for real on the provider under test and
/// compared fact by fact: tables, columns (type, nullability, defaults, identity), primary keys, indexes, foreign keys.
/// </summary>
public sealed class SchemaMatchesModelTests : IAsyncLifetime
{
    private TestDatabase _migrated = null!;
    private TestDatabase _created = null!;

    public async Task InitializeAsync()
    {
        _migrated = await TestDatabase.CreateAsync();
        _created = await TestDatabase.CreateAsync();
    }

    public async Task DisposeAsync()
    {
        await _migrated.DisposeAsync();
        await _created.DisposeAsync();
    }

    [Fact]
    public async Task Migrated_schema_equals_the_schema_of_the_EF_model()
    {
        await new DatabaseMigrator(_migrated.Database, NullLogger<DatabaseMigrator>.Instance).MigrateAsync();
        await using (var db = NewContext(_created.Database))
        {
            (await db.Database.EnsureCreatedAsync()).Should().BeTrue("the model's schema is created in an empty database");
        }

        var fromMigrations = await DatabaseSchema.ReadAsync(_migrated.Database);
        var fromModel = await DatabaseSchema.ReadAsync(_created.Database);

        await using (var db = NewContext(_created.Database))
        {
            var modelTables = db.Model.GetEntityTypes().Select(e => e.GetTableName()).Distinct().ToList();
            modelTables.Should().NotBeEmpty();
            var seenTables = fromModel.Where(f => f.StartsWith("table ", StringComparison.Ordinal)).Select(f => f.Split(' ')[1]);
            seenTables.Should().BeEquivalentTo(modelTables, "introspection must see every table of the model");
        }

        var missing = fromModel.Except(fromMigrations).ToList();
        var extra = fromMigrations.Except(fromModel).ToList();
        (missing.Count + extra.Count).Should().Be(0,
            $"the {_migrated.ProviderName} migration scripts must build exactly the model's schema.{Environment.NewLine}" +
            $"In the model but not built by the migrations:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", missing)}{Environment.NewLine}" +
            $"Built by the migrations but not in the model:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", extra)}");
    }

    private static RapportDbContext NewContext(RapportDatabase database)
    {
        var options = new DbContextOptionsBuilder<RapportDbContext>();
        database.Configure(options);
        return new RapportDbContext(options.Options);
    }
}
