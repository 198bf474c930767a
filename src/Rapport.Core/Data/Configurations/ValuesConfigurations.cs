using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Rapport.Identity;
using Rapport.Products;
using Rapport.Values;

namespace Rapport.Data.Configurations;

// The value taxonomy and the business's internal evaluation (docs/values.md). Lengths are ValueLimits.

internal sealed class TaxonomyValueConfiguration : IEntityTypeConfiguration<TaxonomyValue>
{
    public void Configure(EntityTypeBuilder<TaxonomyValue> b)
    {
        // Not "values": VALUES is an SQL keyword, and raw SQL should read without quoting.
        b.ToTable("taxonomy_values");
        b.Property(x => x.Key).HasMaxLength(ValueLimits.Key);
        b.Property(x => x.Name).HasMaxLength(ValueLimits.Name);
        b.Property(x => x.Description).HasMaxLength(ValueLimits.Description);
        b.Property(x => x.Version).IsConcurrencyToken();
        b.Ignore(x => x.VocabularyList);
        b.HasIndex(x => x.Key).IsUnique();
        // Rows are never deleted (retired and merged values keep their history), so the link needs no delete action.
        b.HasOne<TaxonomyValue>().WithMany().HasForeignKey(x => x.MergedIntoId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ValueChangeConfiguration : IEntityTypeConfiguration<ValueChange>
{
    public void Configure(EntityTypeBuilder<ValueChange> b)
    {
        b.ToTable("value_changes");
        b.Property(x => x.Summary).HasMaxLength(2000);
        b.Property(x => x.RelatedKey).HasMaxLength(ValueLimits.Key);
        b.Property(x => x.ChangedBy).HasMaxLength(200);
        b.HasIndex(x => new { x.ValueId, x.Id });
        b.HasOne<TaxonomyValue>().WithMany().HasForeignKey(x => x.ValueId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<User>().WithMany().HasForeignKey(x => x.ChangedByUserId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class ValueRatingConfiguration : IEntityTypeConfiguration<ValueRating>
{
    public void Configure(EntityTypeBuilder<ValueRating> b)
    {
        b.ToTable("value_ratings");
        b.Property(x => x.Evidence).HasMaxLength(ValueLimits.Evidence);
        b.Property(x => x.RatedBy).HasMaxLength(200);
        b.HasIndex(x => new { x.ValueId, x.Id });
        b.HasOne<TaxonomyValue>().WithMany().HasForeignKey(x => x.ValueId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<User>().WithMany().HasForeignKey(x => x.OwnerUserId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne<User>().WithMany().HasForeignKey(x => x.RatedByUserId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class ProductValueConfiguration : IEntityTypeConfiguration<ProductValue>
{
    public void Configure(EntityTypeBuilder<ProductValue> b)
    {
        b.ToTable("product_values");
        b.HasKey(x => new { x.ProductId, x.ValueId });
        b.HasIndex(x => x.ValueId);
        b.HasOne<Product>().WithMany().HasForeignKey(x => x.ProductId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<TaxonomyValue>().WithMany().HasForeignKey(x => x.ValueId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class PartnerConfiguration : IEntityTypeConfiguration<Partner>
{
    public void Configure(EntityTypeBuilder<Partner> b)
    {
        b.ToTable("partners");
        b.Property(x => x.Name).HasMaxLength(ValueLimits.PartnerName);
        b.Property(x => x.Audience).HasMaxLength(ValueLimits.Audience);
        b.Property(x => x.Channels).HasMaxLength(1100);
        b.Property(x => x.Contact).HasMaxLength(ValueLimits.Contact);
        b.Property(x => x.Version).IsConcurrencyToken();
    }
}

internal sealed class PartnerValueConfiguration : IEntityTypeConfiguration<PartnerValue>
{
    public void Configure(EntityTypeBuilder<PartnerValue> b)
    {
        b.ToTable("partner_values");
        b.HasKey(x => new { x.PartnerId, x.ValueId });
        b.HasIndex(x => x.ValueId);
        b.HasOne<Partner>().WithMany().HasForeignKey(x => x.PartnerId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<TaxonomyValue>().WithMany().HasForeignKey(x => x.ValueId).OnDelete(DeleteBehavior.Cascade);
    }
}
