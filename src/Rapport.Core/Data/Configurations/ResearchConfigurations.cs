using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Rapport.Customers;
using Rapport.Research.Evidence;
using Rapport.Values;

namespace Rapport.Data.Configurations;

// Customer research: value evidence (docs/research.md, "Evidence").

internal sealed class ValueEvidenceConfiguration : IEntityTypeConfiguration<ValueEvidence>
{
    public void Configure(EntityTypeBuilder<ValueEvidence> b)
    {
        b.ToTable("value_evidence");
        b.Property(x => x.SourceType).HasMaxLength(EvidenceSources.MaxLength);
        b.Property(x => x.Quote).HasMaxLength(EvidenceLimits.Quote);
        b.HasIndex(x => new { x.CustomerId, x.ValueId });
        b.HasIndex(x => new { x.ValueId, x.ObservedAt });
        b.HasIndex(x => new { x.SourceType, x.SourceId });
        // A customer's erasure takes their evidence with them; a value's rows are never deleted (retired values stay).
        b.HasOne<Customer>().WithMany().HasForeignKey(x => x.CustomerId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<TaxonomyValue>().WithMany().HasForeignKey(x => x.ValueId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CustomerValueScoreConfiguration : IEntityTypeConfiguration<Values.Profiles.CustomerValueScore>
{
    public void Configure(EntityTypeBuilder<Values.Profiles.CustomerValueScore> b)
    {
        b.ToTable("customer_value_scores");
        b.HasKey(x => new { x.CustomerId, x.ValueId });
        b.HasIndex(x => new { x.ValueId, x.Score });
        b.HasOne<Customer>().WithMany().HasForeignKey(x => x.CustomerId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<TaxonomyValue>().WithMany().HasForeignKey(x => x.ValueId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CustomerValueProfileConfiguration : IEntityTypeConfiguration<Values.Profiles.CustomerValueProfile>
{
    public void Configure(EntityTypeBuilder<Values.Profiles.CustomerValueProfile> b)
    {
        b.ToTable("customer_value_profiles");
        b.HasKey(x => x.CustomerId);
        b.Property(x => x.ProfilingChangedBy).HasMaxLength(200);
        b.HasOne<Customer>().WithOne().HasForeignKey<Values.Profiles.CustomerValueProfile>(x => x.CustomerId).OnDelete(DeleteBehavior.Cascade);
    }
}

// Interviews and focus groups (docs/research.md, "Sessions"). A session belongs to no single customer (a focus group
// has several), so it carries no customer_id; its participant rows do.

internal sealed class ResearchSessionConfiguration : IEntityTypeConfiguration<Research.Sessions.ResearchSession>
{
    public void Configure(EntityTypeBuilder<Research.Sessions.ResearchSession> b)
    {
        b.ToTable("research_sessions");
        b.Property(x => x.Title).HasMaxLength(Research.Sessions.SessionLimits.Title);
        b.Property(x => x.InterviewerName).HasMaxLength(Research.Sessions.SessionLimits.InterviewerName);
        b.Property(x => x.Summary).HasMaxLength(Research.Sessions.SessionLimits.Summary);
        b.Property(x => x.Version).IsConcurrencyToken();
        b.HasIndex(x => new { x.HeldAt, x.Id });
        b.HasOne<Identity.User>().WithMany().HasForeignKey(x => x.InterviewerUserId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne<Identity.User>().WithMany().HasForeignKey(x => x.CreatedByUserId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class ResearchSessionParticipantConfiguration : IEntityTypeConfiguration<Research.Sessions.ResearchSessionParticipant>
{
    public void Configure(EntityTypeBuilder<Research.Sessions.ResearchSessionParticipant> b)
    {
        b.ToTable("research_session_participants");
        b.HasKey(x => new { x.SessionId, x.CustomerId });
        // The customer's timeline finds their sessions by this index.
        b.HasIndex(x => x.CustomerId);
        b.HasOne<Research.Sessions.ResearchSession>().WithMany().HasForeignKey(x => x.SessionId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Customer>().WithMany().HasForeignKey(x => x.CustomerId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ResearchExcerptConfiguration : IEntityTypeConfiguration<Research.Sessions.ResearchExcerpt>
{
    public void Configure(EntityTypeBuilder<Research.Sessions.ResearchExcerpt> b)
    {
        b.ToTable("research_excerpts");
        b.Property(x => x.Note).HasMaxLength(Research.Sessions.SessionLimits.Note);
        b.HasIndex(x => new { x.SessionId, x.Start });
        b.HasIndex(x => x.SpeakerCustomerId);
        b.HasOne<Research.Sessions.ResearchSession>().WithMany().HasForeignKey(x => x.SessionId).OnDelete(DeleteBehavior.Cascade);
        // An erased customer's words stay in the transcript (it is the business's record) but no longer name them.
        b.HasOne<Customer>().WithMany().HasForeignKey(x => x.SpeakerCustomerId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne<Identity.User>().WithMany().HasForeignKey(x => x.CreatedByUserId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class ResearchExcerptCodeConfiguration : IEntityTypeConfiguration<Research.Sessions.ResearchExcerptCode>
{
    public void Configure(EntityTypeBuilder<Research.Sessions.ResearchExcerptCode> b)
    {
        b.ToTable("research_excerpt_codes");
        b.Property(x => x.Theme).HasMaxLength(Research.Sessions.SessionLimits.Theme);
        b.HasIndex(x => x.ExcerptId);
        b.HasIndex(x => x.ValueId);
        b.HasOne<Research.Sessions.ResearchExcerpt>().WithMany().HasForeignKey(x => x.ExcerptId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<TaxonomyValue>().WithMany().HasForeignKey(x => x.ValueId).OnDelete(DeleteBehavior.Cascade);
    }
}

// The review of emergent themes (docs/research.md, "Emergent themes review").

internal sealed class ThemeProposalConfiguration : IEntityTypeConfiguration<Research.Review.ThemeProposal>
{
    public void Configure(EntityTypeBuilder<Research.Review.ThemeProposal> b)
    {
        b.ToTable("theme_proposals");
        b.Property(x => x.Phrase).HasMaxLength(Research.Review.ProposalLimits.Phrase);
        b.Property(x => x.Stems).HasMaxLength(Research.Review.ProposalLimits.Phrase);
        b.Property(x => x.DecidedBy).HasMaxLength(Research.Review.ProposalLimits.DecidedBy);
        b.HasIndex(x => x.Stems).IsUnique();
        b.HasIndex(x => new { x.Status, x.Score });
        b.HasOne<TaxonomyValue>().WithMany().HasForeignKey(x => x.ValueId).OnDelete(DeleteBehavior.SetNull);
        b.HasOne<Identity.User>().WithMany().HasForeignKey(x => x.DecidedByUserId).OnDelete(DeleteBehavior.SetNull);
    }
}
