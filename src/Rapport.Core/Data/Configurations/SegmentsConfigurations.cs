using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Rapport.Customers;
using Rapport.Segments;

namespace Rapport.Data.Configurations;

internal sealed class SegmentEventConfiguration : IEntityTypeConfiguration<SegmentEvent>
{
    public void Configure(EntityTypeBuilder<SegmentEvent> b)
    {
        b.ToTable("segment_events");
        b.HasOne<Segment>().WithMany().HasForeignKey(x => x.SegmentId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Customer>().WithMany().HasForeignKey(x => x.CustomerId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => new { x.SegmentId, x.Id });
        // The foreign key's own index (ix_segment_events_customer_id) is made by convention.
    }
}

internal sealed class CustomerPurchaseFactConfiguration : IEntityTypeConfiguration<CustomerPurchaseFact>
{
    public void Configure(EntityTypeBuilder<CustomerPurchaseFact> b)
    {
        b.ToTable("customer_purchase_facts");
        b.HasKey(x => new { x.CustomerId, x.Kind, x.Key });
        b.Property(x => x.Key).HasMaxLength(200);
        b.HasOne<Customer>().WithMany().HasForeignKey(x => x.CustomerId).OnDelete(DeleteBehavior.Cascade);
        // Covers "bought this (within N days)" without reading the table, in customer order (count and amount conditions
        // read the row: a wider index would pass PostgreSQL's 63-character name limit under the naming convention).
        b.HasIndex(x => new { x.Kind, x.Key, x.CustomerId, x.LastAt });
    }
}
