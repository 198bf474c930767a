using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Rapport.Audit;
using Rapport.Identity;

namespace Rapport.Data.Configurations;

// Tables added in migration 0018: the audit log and server-side sessions.

internal sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEvent>
{
    public void Configure(EntityTypeBuilder<AuditEvent> b)
    {
        b.ToTable("audit_events");
        b.Property(x => x.ActorKind).HasMaxLength(32);
        b.Property(x => x.ActorLabel).HasMaxLength(AuditLimits.Label);
        b.Property(x => x.Ip).HasMaxLength(AuditLimits.Ip);
        b.Property(x => x.Action).HasMaxLength(AuditLimits.Action);
        b.Property(x => x.EntityType).HasMaxLength(AuditLimits.EntityType);
        b.Property(x => x.EntityId).HasMaxLength(AuditLimits.EntityId);
        // No foreign key to customers: an entry outlives the customer it is about (erasure keeps the log).
        b.HasIndex(x => new { x.CustomerId, x.Id });
        b.HasIndex(x => new { x.ActorKind, x.ActorId, x.Id });
        b.HasIndex(x => new { x.Action, x.Id });
        b.HasIndex(x => new { x.EntityType, x.EntityId });
        b.HasIndex(x => x.OccurredAt);
    }
}

internal sealed class UserSessionConfiguration : IEntityTypeConfiguration<UserSession>
{
    public void Configure(EntityTypeBuilder<UserSession> b)
    {
        b.ToTable("user_sessions");
        b.Property(x => x.Id).HasMaxLength(64).ValueGeneratedNever();
        b.Property(x => x.Ip).HasMaxLength(AuditLimits.Ip);
        b.Property(x => x.UserAgent).HasMaxLength(UserSessions.MaxUserAgent);
        b.HasOne<User>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        b.HasIndex(x => x.UserId);
    }
}
