using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Rapport.Customers;
using Rapport.Surveys;
using Rapport.Values;

namespace Rapport.Data.Configurations;

// Surveys (docs/surveys.md). Lengths are SurveyLimits.

internal sealed class SurveyConfiguration : IEntityTypeConfiguration<Survey>
{
    public void Configure(EntityTypeBuilder<Survey> b)
    {
        b.ToTable("surveys");
        b.Property(x => x.Title).HasMaxLength(SurveyLimits.Title);
        b.Property(x => x.Intro).HasMaxLength(SurveyLimits.Intro);
        b.Property(x => x.ThankYou).HasMaxLength(SurveyLimits.ThankYou);
        b.Property(x => x.AnonymousNonce).HasMaxLength(SurveyLimits.Nonce);
        b.Property(x => x.Version).IsConcurrencyToken();
        b.HasIndex(x => new { x.Status, x.Id });
    }
}

internal sealed class SurveyQuestionConfiguration : IEntityTypeConfiguration<SurveyQuestion>
{
    public void Configure(EntityTypeBuilder<SurveyQuestion> b)
    {
        b.ToTable("survey_questions");
        b.Property(x => x.Key).HasMaxLength(SurveyLimits.QuestionKey);
        b.Property(x => x.Prompt).HasMaxLength(SurveyLimits.Prompt);
        b.Property(x => x.HelpText).HasMaxLength(SurveyLimits.HelpText);
        b.Property(x => x.Options).HasMaxLength(SurveyLimits.OptionsText);
        b.Ignore(x => x.OptionList);
        b.HasIndex(x => new { x.SurveyId, x.Key }).IsUnique();
        b.HasIndex(x => new { x.SurveyId, x.Position });
        b.HasOne<Survey>().WithMany().HasForeignKey(x => x.SurveyId).OnDelete(DeleteBehavior.Cascade);
        // Values are never deleted (retired values keep their rows), so the link needs no delete action.
        b.HasOne<TaxonomyValue>().WithMany().HasForeignKey(x => x.ValueId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class SurveyInvitationConfiguration : IEntityTypeConfiguration<SurveyInvitation>
{
    public void Configure(EntityTypeBuilder<SurveyInvitation> b)
    {
        b.ToTable("survey_invitations");
        b.Property(x => x.Nonce).HasMaxLength(SurveyLimits.Nonce);
        // One invitation per customer and survey: inviting again returns the same link.
        b.HasIndex(x => new { x.SurveyId, x.CustomerId }).IsUnique();
        b.HasIndex(x => x.CustomerId);
        b.HasIndex(x => x.ResponseId);
        b.HasOne<Survey>().WithMany().HasForeignKey(x => x.SurveyId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Customer>().WithMany().HasForeignKey(x => x.CustomerId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<SurveyResponse>().WithMany().HasForeignKey(x => x.ResponseId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class SurveyResponseConfiguration : IEntityTypeConfiguration<SurveyResponse>
{
    public void Configure(EntityTypeBuilder<SurveyResponse> b)
    {
        b.ToTable("survey_responses");
        b.Property(x => x.ExternalId).HasMaxLength(SurveyLimits.ExternalId);
        b.Property(x => x.Version).IsConcurrencyToken();
        b.HasIndex(x => new { x.SurveyId, x.Id });
        // Re-importing a response by its external id updates it; several NULLs are allowed on both providers.
        b.HasIndex(x => new { x.SurveyId, x.ExternalId }).IsUnique();
        b.HasIndex(x => x.CustomerId);
        b.HasIndex(x => x.InvitationId).IsUnique();
        b.HasOne<Survey>().WithMany().HasForeignKey(x => x.SurveyId).OnDelete(DeleteBehavior.Cascade);
        // A customer's erasure takes their responses (and, through them, their answers) with them.
        b.HasOne<Customer>().WithMany().HasForeignKey(x => x.CustomerId).OnDelete(DeleteBehavior.Cascade);
        // Both links between a response and its invitation go null when the other side is deleted (no delete cycle).
        b.HasOne<SurveyInvitation>().WithMany().HasForeignKey(x => x.InvitationId).OnDelete(DeleteBehavior.SetNull);
    }
}

internal sealed class SurveyAnswerConfiguration : IEntityTypeConfiguration<SurveyAnswer>
{
    public void Configure(EntityTypeBuilder<SurveyAnswer> b)
    {
        b.ToTable("survey_answers");
        b.Property(x => x.ChoiceValues).HasMaxLength(SurveyLimits.ChoiceValues);
        b.Property(x => x.TextValue).HasMaxLength(SurveyLimits.AnswerText);
        b.Ignore(x => x.ChoiceList);
        b.HasIndex(x => new { x.ResponseId, x.QuestionId }).IsUnique();
        b.HasIndex(x => x.QuestionId);
        b.HasIndex(x => x.CustomerId);
        b.HasOne<SurveyResponse>().WithMany().HasForeignKey(x => x.ResponseId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<SurveyQuestion>().WithMany().HasForeignKey(x => x.QuestionId).OnDelete(DeleteBehavior.Cascade);
        b.HasOne<Customer>().WithMany().HasForeignKey(x => x.CustomerId).OnDelete(DeleteBehavior.Cascade);
    }
}
