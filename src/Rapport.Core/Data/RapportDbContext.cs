using Microsoft.EntityFrameworkCore;
using Rapport.Analytics;
using Rapport.Companies;
using Rapport.Customers;
using Rapport.Duplicates;
using Rapport.Identity;
using Rapport.Imports;
using Rapport.Ingestion;
using Rapport.Interactions;
using Rapport.Metrics;
using Rapport.Products;
using Rapport.Transactions;
using Rapport.Values;
using Rapport.Webhooks;

namespace Rapport.Data;

public sealed class RapportDbContext(DbContextOptions<RapportDbContext> options) : DbContext(options)
{
    public DbSet<Customer> Customers => Set<Customer>();
    public DbSet<CustomerTag> CustomerTags => Set<CustomerTag>();
    public DbSet<CustomerExternalId> CustomerExternalIds => Set<CustomerExternalId>();
    public DbSet<CustomFieldDefinition> CustomFields => Set<CustomFieldDefinition>();
    public DbSet<CustomerFieldValue> CustomerFieldValues => Set<CustomerFieldValue>();
    public DbSet<CustomerMetrics> CustomerMetrics => Set<CustomerMetrics>();
    public DbSet<Company> Companies => Set<Company>();
    public DbSet<Interaction> Interactions => Set<Interaction>();
    public DbSet<Transaction> Transactions => Set<Transaction>();
    public DbSet<TransactionLine> TransactionLines => Set<TransactionLine>();
    public DbSet<Product> Products => Set<Product>();
    public DbSet<User> Users => Set<User>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<Import> Imports => Set<Import>();
    public DbSet<ImportReject> ImportRejects => Set<ImportReject>();
    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();
    public DbSet<IngestedMessage> IngestedMessages => Set<IngestedMessage>();
    public DbSet<DuplicateCandidate> DuplicateCandidates => Set<DuplicateCandidate>();
    public DbSet<CustomerMerge> CustomerMerges => Set<CustomerMerge>();
    public DbSet<WebhookSubscription> WebhookSubscriptions => Set<WebhookSubscription>();
    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();
    public DbSet<WebhookAttempt> WebhookAttempts => Set<WebhookAttempt>();
    public DbSet<AnalyticsRun> AnalyticsRuns => Set<AnalyticsRun>();
    public DbSet<KpiTargetSetting> KpiTargets => Set<KpiTargetSetting>();
    public DbSet<TaxonomyValue> TaxonomyValues => Set<TaxonomyValue>();
    public DbSet<ValueChange> ValueChanges => Set<ValueChange>();
    public DbSet<ValueRating> ValueRatings => Set<ValueRating>();
    public DbSet<ProductValue> ProductValues => Set<ProductValue>();
    public DbSet<Partner> Partners => Set<Partner>();
    public DbSet<PartnerValue> PartnerValues => Set<PartnerValue>();

    public bool IsPostgres => Database.IsNpgsql();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(RapportDbContext).Assembly);
        SnakeCaseNames.Apply(modelBuilder);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Where SQLite and PostgreSQL differ in storage, the difference lives here and nowhere else.
        // See docs/architecture.md, "Storage".
        if (IsPostgres)
        {
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<UtcInstantConverter>();
            configurationBuilder.Properties<decimal>().HavePrecision(19, 4);
        }
        else
        {
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<SqliteInstantConverter>();
            configurationBuilder.Properties<decimal>().HaveConversion<SqliteDecimalConverter>();
        }

        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(32);
    }
}
