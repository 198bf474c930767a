using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Rapport.Companies;
using Rapport.Customers;
using Rapport.Identity;
using Rapport.Interactions;
using Rapport.Metrics;
using Rapport.Products;
using Rapport.Transactions;

namespace Rapport.Data.Configurations;

// Lengths here are the limits the use cases validate against (CustomerLimits, CompanyLimits, … in each feature folder).

internal sealed class CustomerConfiguration : IEntityTypeConfiguration<Customer>
{
    public void Configure(EntityTypeBuilder<Customer> b)
    {
        b.ToTable("customers");
        b.Property(x => x.FirstName).HasMaxLength(100);
        b.Property(x => x.LastName).HasMaxLength(100);
        b.Property(x => x.Email).HasMaxLength(254);
        b.Property(x => x.EmailNormalized).HasMaxLength(254);
        b.Property(x => x.Phone).HasMaxLength(40);
        b.Property(x => x.Street).HasMaxLength(200);
        b.Property(x => x.City).HasMaxLength(100);
        b.Property(x => x.PostalCode).HasMaxLength(20);
        b.Property(x => x.Region).HasMaxLength(100);
        b.Property(x => x.Country).HasMaxLength(2);
        b.Property(x => x.Language).HasMaxLength(35);
        b.Property(x => x.Source).HasMaxLength(50);
        b.Property(x => x.SearchText).HasMaxLength(500);
        b.Property(x => x.Version).IsConcurrencyToken();
        b.Ignore(x => x.DisplayName);
        b.HasIndex(x => x.EmailNormalized);
        b.HasIndex(x => x.CompanyId);
        b.HasIndex(x => x.OwnerId);
        b.HasIndex(x => x.CreatedAt);
        b.HasIndex(x => new { x.LastName, x.FirstName, x.Id });
        b.HasOne(x => x.Company).WithMany().HasForeignKey(x => x.CompanyId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne(x => x.Owner).WithMany().HasForeignKey(x => x.OwnerId).OnDelete(DeleteBehavior.SetNull);
        b.HasMany(x => x.Tags).WithOne().HasForeignKey(x => x.CustomerId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(x => x.FieldValues).WithOne().HasForeignKey(x => x.CustomerId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(x => x.ExternalIds).WithOne().HasForeignKey(x => x.CustomerId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CustomerTagConfiguration : IEntityTypeConfiguration<CustomerTag>
{
    public void Configure(EntityTypeBuilder<CustomerTag> b)
    {
        b.ToTable("customer_tags");
        b.HasKey(x => new { x.CustomerId, x.Tag });
        b.Property(x => x.Tag).HasMaxLength(50);
        // Filtering by tag goes through this index; the key serves "tags of a customer".
        b.HasIndex(x => new { x.Tag, x.CustomerId });
    }
}

internal sealed class CustomerExternalIdConfiguration : IEntityTypeConfiguration<CustomerExternalId>
{
    public void Configure(EntityTypeBuilder<CustomerExternalId> b)
    {
        // A global lookup (source, external id) → customer, kept in its own table (scale path in DESIGN.md).
        b.ToTable("customer_external_ids");
        b.Property(x => x.Source).HasMaxLength(50);
        b.Property(x => x.ExternalId).HasMaxLength(100);
        b.HasIndex(x => new { x.Source, x.ExternalId }).IsUnique();
        b.HasIndex(x => x.CustomerId);
    }
}

internal sealed class CustomFieldDefinitionConfiguration : IEntityTypeConfiguration<CustomFieldDefinition>
{
    public void Configure(EntityTypeBuilder<CustomFieldDefinition> b)
    {
        b.ToTable("custom_fields");
        b.Property(x => x.Key).HasMaxLength(50);
        b.Property(x => x.Label).HasMaxLength(100);
        b.Property(x => x.Options).HasMaxLength(4000);
        b.Property(x => x.Sensitive).HasDefaultValue(false);
        b.Ignore(x => x.OptionList);
        b.HasIndex(x => x.Key).IsUnique();
    }
}

internal sealed class CustomerFieldValueConfiguration : IEntityTypeConfiguration<CustomerFieldValue>
{
    public void Configure(EntityTypeBuilder<CustomerFieldValue> b)
    {
        b.ToTable("customer_field_values");
        b.HasKey(x => new { x.CustomerId, x.FieldId });
        b.Property(x => x.TextValue).HasMaxLength(1000);
        b.HasOne(x => x.Field).WithMany().HasForeignKey(x => x.FieldId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => x.FieldId);
    }
}

internal sealed class CustomerMetricsConfiguration : IEntityTypeConfiguration<CustomerMetrics>
{
    public void Configure(EntityTypeBuilder<CustomerMetrics> b)
    {
        b.ToTable("customer_metrics");
        b.HasKey(x => x.CustomerId);
        b.HasOne<Customer>().WithOne().HasForeignKey<CustomerMetrics>(x => x.CustomerId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => x.LastPurchaseAt);
        b.HasIndex(x => x.Revenue);
        b.Property(x => x.RfmSegment).HasMaxLength(32);
        b.Property(x => x.Stage).HasConversion<int>().HasDefaultValue(Stages.Stage.Prospecting);
        b.HasIndex(x => x.Stage);
    }
}

internal sealed class CompanyConfiguration : IEntityTypeConfiguration<Company>
{
    public void Configure(EntityTypeBuilder<Company> b)
    {
        b.ToTable("companies");
        b.Property(x => x.Name).HasMaxLength(200);
        b.Property(x => x.NameNormalized).HasMaxLength(200);
        b.Property(x => x.ExternalId).HasMaxLength(100);
        b.Property(x => x.Domain).HasMaxLength(253);
        b.Property(x => x.Industry).HasMaxLength(100);
        b.Property(x => x.Website).HasMaxLength(500);
        b.Property(x => x.Phone).HasMaxLength(40);
        b.Property(x => x.City).HasMaxLength(100);
        b.Property(x => x.Country).HasMaxLength(2);
        b.Property(x => x.Version).IsConcurrencyToken();
        b.HasIndex(x => x.NameNormalized);
        b.HasIndex(x => x.Domain);
        b.HasIndex(x => x.ExternalId).IsUnique();
    }
}

internal sealed class InteractionConfiguration : IEntityTypeConfiguration<Interaction>
{
    public void Configure(EntityTypeBuilder<Interaction> b)
    {
        b.ToTable("interactions");
        b.Property(x => x.ExternalId).HasMaxLength(100);
        b.Property(x => x.Subject).HasMaxLength(200);
        b.Property(x => x.Notes).HasMaxLength(10000);
        b.Property(x => x.Source).HasMaxLength(50);
        b.HasOne<Customer>().WithMany().HasForeignKey(x => x.CustomerId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<User>().WithMany().HasForeignKey(x => x.CreatedByUserId).OnDelete(DeleteBehavior.SetNull);
        // The timeline reads a customer's interactions newest first.
        b.HasIndex(x => new { x.CustomerId, x.OccurredAt, x.Id });
        b.HasIndex(x => x.OccurredAt);
        b.HasIndex(x => x.ExternalId).IsUnique();
    }
}

internal sealed class TransactionConfiguration : IEntityTypeConfiguration<Transaction>
{
    public void Configure(EntityTypeBuilder<Transaction> b)
    {
        b.ToTable("transactions");
        b.Property(x => x.ExternalId).HasMaxLength(100);
        b.Property(x => x.Currency).HasMaxLength(3).IsFixedLength(false);
        b.Property(x => x.Source).HasMaxLength(50);
        b.HasOne<Customer>().WithMany().HasForeignKey(x => x.CustomerId).OnDelete(DeleteBehavior.Cascade);
        b.HasMany(x => x.Lines).WithOne().HasForeignKey(x => x.TransactionId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => new { x.CustomerId, x.OccurredAt, x.Id });
        // An order id is unique per customer. Led by the order id: imports and the batch API find an order by its id before
        // they know the customer, and an order history written in order-id order appends to this index (migration 0003).
        b.HasIndex(x => new { x.ExternalId, x.CustomerId }).IsUnique();
        // Covers revenue and orders over a period (the dashboard, KPIs) without reading the table rows.
        b.HasIndex(x => new { x.OccurredAt, x.Currency, x.Total });
    }
}

internal sealed class TransactionLineConfiguration : IEntityTypeConfiguration<TransactionLine>
{
    public void Configure(EntityTypeBuilder<TransactionLine> b)
    {
        b.ToTable("transaction_lines");
        b.Property(x => x.Sku).HasMaxLength(64);
        b.Property(x => x.Description).HasMaxLength(200);
        b.HasOne<Product>().WithMany().HasForeignKey(x => x.ProductId).OnDelete(DeleteBehavior.SetNull);
        b.HasIndex(x => x.TransactionId);
        b.HasIndex(x => x.ProductId);
        // No index by customer (migration 0004): lines are found by their order; a merge moves them that way.
    }
}

internal sealed class ProductConfiguration : IEntityTypeConfiguration<Product>
{
    public void Configure(EntityTypeBuilder<Product> b)
    {
        b.ToTable("products");
        b.Property(x => x.Sku).HasMaxLength(64);
        b.Property(x => x.Name).HasMaxLength(200);
        b.Property(x => x.NameNormalized).HasMaxLength(200);
        b.Property(x => x.Description).HasMaxLength(2000);
        b.Property(x => x.Category).HasMaxLength(100);
        b.Property(x => x.Currency).HasMaxLength(3);
        b.Property(x => x.Version).IsConcurrencyToken();
        b.HasIndex(x => x.Sku).IsUnique();
        b.HasIndex(x => x.NameNormalized);
        b.HasIndex(x => x.Category);
    }
}

internal sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> b)
    {
        b.ToTable("users");
        b.Property(x => x.Email).HasMaxLength(254);
        b.Property(x => x.EmailNormalized).HasMaxLength(254);
        b.Property(x => x.DisplayName).HasMaxLength(100);
        b.Property(x => x.PasswordHash).HasMaxLength(200);
        b.Property(x => x.SecurityStamp).HasMaxLength(64);
        b.HasIndex(x => x.EmailNormalized).IsUnique();
        b.HasOne<Access.Team>().WithMany().HasForeignKey(x => x.TeamId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> b)
    {
        b.ToTable("api_keys");
        b.Property(x => x.Name).HasMaxLength(100);
        b.Property(x => x.Prefix).HasMaxLength(16);
        b.Property(x => x.SecretHash).HasMaxLength(64);
        b.Property(x => x.Scopes).HasMaxLength(2000);
        b.HasIndex(x => x.Prefix).IsUnique();
        b.HasOne<User>().WithMany().HasForeignKey(x => x.CreatedByUserId).OnDelete(DeleteBehavior.SetNull);
    }
}
