using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Rapport.Customers;
using Rapport.Duplicates;
using Rapport.Identity;
using Rapport.Imports;
using Rapport.Ingestion;
using Rapport.Webhooks;

namespace Rapport.Data.Configurations;

// Tables added in migration 0002: imports, ingestion, duplicates, webhooks.

internal sealed class ImportConfiguration : IEntityTypeConfiguration<Import>
{
    public void Configure(EntityTypeBuilder<Import> b)
    {
        b.ToTable("imports");
        b.Property(x => x.FileName).HasMaxLength(255);
        b.Property(x => x.StoredPath).HasMaxLength(1000);
        b.Property(x => x.FileSha256).HasMaxLength(64);
        b.Property(x => x.Options).HasMaxLength(20000);
        b.Property(x => x.Error).HasMaxLength(2000);
        b.HasOne<User>().WithMany().HasForeignKey(x => x.CreatedByUserId).OnDelete(DeleteBehavior.SetNull);
        b.HasIndex(x => x.Status);
        b.HasIndex(x => x.CreatedAt);
    }
}

internal sealed class ImportRejectConfiguration : IEntityTypeConfiguration<ImportReject>
{
    public void Configure(EntityTypeBuilder<ImportReject> b)
    {
        b.ToTable("import_rejects");
        b.Property(x => x.Reason).HasMaxLength(1000);
        b.HasOne<Import>().WithMany().HasForeignKey(x => x.ImportId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => new { x.ImportId, x.LineNumber });
    }
}

internal sealed class IdempotencyRecordConfiguration : IEntityTypeConfiguration<IdempotencyRecord>
{
    public void Configure(EntityTypeBuilder<IdempotencyRecord> b)
    {
        b.ToTable("idempotency_keys");
        b.Property(x => x.Key).HasMaxLength(200);
        b.Property(x => x.Method).HasMaxLength(10);
        b.Property(x => x.Path).HasMaxLength(500);
        b.Property(x => x.RequestHash).HasMaxLength(64);
        b.Property(x => x.ContentType).HasMaxLength(200);
        b.HasOne<ApiKey>().WithMany().HasForeignKey(x => x.ApiKeyId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => new { x.ApiKeyId, x.Key }).IsUnique();
        // Expired keys are swept by age.
        b.HasIndex(x => x.CreatedAt);
    }
}

internal sealed class IngestedMessageConfiguration : IEntityTypeConfiguration<IngestedMessage>
{
    public void Configure(EntityTypeBuilder<IngestedMessage> b)
    {
        b.ToTable("ingested_messages");
        b.HasKey(x => x.MessageId);
        b.Property(x => x.MessageId).HasMaxLength(IngestionWriter.MessageIdMaxLength);
        b.Property(x => x.Kind).HasMaxLength(20);
    }
}

internal sealed class DuplicateCandidateConfiguration : IEntityTypeConfiguration<DuplicateCandidate>
{
    public void Configure(EntityTypeBuilder<DuplicateCandidate> b)
    {
        b.ToTable("duplicate_candidates");
        b.Property(x => x.Reasons).HasMaxLength(200);
        b.HasOne<Customer>().WithMany().HasForeignKey(x => x.CustomerIdA).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Customer>().WithMany().HasForeignKey(x => x.CustomerIdB).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<User>().WithMany().HasForeignKey(x => x.ResolvedByUserId).OnDelete(DeleteBehavior.SetNull);
        b.HasIndex(x => new { x.CustomerIdA, x.CustomerIdB }).IsUnique();
        b.HasIndex(x => x.CustomerIdB);
        b.HasIndex(x => new { x.Status, x.Score });
    }
}

internal sealed class CustomerMergeConfiguration : IEntityTypeConfiguration<CustomerMerge>
{
    public void Configure(EntityTypeBuilder<CustomerMerge> b)
    {
        b.ToTable("customer_merges");
        b.Property(x => x.FieldChoices).HasMaxLength(4000);
        b.Property(x => x.MergedSnapshot).HasMaxLength(20000);
        b.Property(x => x.Moved).HasMaxLength(1000);
        b.Property(x => x.Source).HasMaxLength(50);
        b.HasOne<User>().WithMany().HasForeignKey(x => x.MergedByUserId).OnDelete(DeleteBehavior.SetNull);
        b.HasIndex(x => x.SurvivingCustomerId);
        b.HasIndex(x => x.MergedCustomerId);
    }
}

internal sealed class WebhookSubscriptionConfiguration : IEntityTypeConfiguration<WebhookSubscription>
{
    public void Configure(EntityTypeBuilder<WebhookSubscription> b)
    {
        b.ToTable("webhook_subscriptions");
        b.Property(x => x.Url).HasMaxLength(2000);
        b.Property(x => x.Description).HasMaxLength(200);
        b.Property(x => x.EventTypes).HasMaxLength(500);
        b.Property(x => x.Secret).HasMaxLength(100);
        b.Property(x => x.Version).IsConcurrencyToken();
        b.HasOne<User>().WithMany().HasForeignKey(x => x.CreatedByUserId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> b)
    {
        b.ToTable("webhook_deliveries");
        b.Property(x => x.EventId).HasMaxLength(64);
        b.Property(x => x.EventType).HasMaxLength(50);
        b.Property(x => x.LastError).HasMaxLength(1000);
        b.HasOne<WebhookSubscription>().WithMany().HasForeignKey(x => x.SubscriptionId).OnDelete(DeleteBehavior.Cascade);
        // The dispatcher picks due deliveries; the log lists a subscription's deliveries newest first.
        b.HasIndex(x => new { x.Status, x.NextAttemptAt });
        b.HasIndex(x => new { x.SubscriptionId, x.Id });
    }
}

internal sealed class WebhookAttemptConfiguration : IEntityTypeConfiguration<WebhookAttempt>
{
    public void Configure(EntityTypeBuilder<WebhookAttempt> b)
    {
        b.ToTable("webhook_attempts");
        b.Property(x => x.Error).HasMaxLength(1000);
        b.HasOne<WebhookDelivery>().WithMany().HasForeignKey(x => x.DeliveryId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => x.DeliveryId);
    }
}
