using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Rapport.Customers;
using Rapport.Identity;
using Rapport.Tasks;

namespace Rapport.Data.Configurations;

internal sealed class CustomerTaskConfiguration : IEntityTypeConfiguration<CustomerTask>
{
    public void Configure(EntityTypeBuilder<CustomerTask> b)
    {
        b.ToTable("tasks");
        b.Property(x => x.Title).HasMaxLength(200);
        b.Property(x => x.Notes).HasMaxLength(4000);
        b.Property(x => x.Stage).HasConversion<int?>();
        b.Property(x => x.Version).IsConcurrencyToken();
        b.HasOne<Customer>().WithMany().HasForeignKey(x => x.CustomerId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<User>().WithMany().HasForeignKey(x => x.AssigneeUserId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne<User>().WithMany().HasForeignKey(x => x.CreatedByUserId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne<User>().WithMany().HasForeignKey(x => x.CompletedByUserId).OnDelete(DeleteBehavior.SetNull);
        // "My tasks": open ones of one assignee by due day; the customer page and the generator's "already has an open
        // playbook task" test; the list of everyone's tasks by status and due day.
        b.HasIndex(x => new { x.AssigneeUserId, x.Status, x.DueOn, x.Id });
        b.HasIndex(x => new { x.CustomerId, x.Status, x.Origin });
        b.HasIndex(x => new { x.Status, x.DueOn, x.Id });
        b.HasIndex(x => x.CreatedByUserId);
        b.HasIndex(x => x.CompletedByUserId);
    }
}
