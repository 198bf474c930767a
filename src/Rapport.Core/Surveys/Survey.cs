using Rapport.Common;

namespace Rapport.Surveys;

public enum SurveyStatus
{
    /// <summary>Being written: questions can be added, removed and reordered; nobody can answer.</summary>
    Draft,
    /// <summary>Published: links answer; questions are locked except their wording.</summary>
    Open,
    /// <summary>No more answers; every link shows a "closed" page. Final.</summary>
    Closed,
}

public enum SurveyQuestionKind
{
    /// <summary>1 … 5.</summary>
    Rating,
    /// <summary>Net promoter score, 0 … 10.</summary>
    Nps,
    /// <summary>Customer satisfaction, 1 … 5; satisfied = 4 or 5.</summary>
    Csat,
    SingleChoice,
    MultipleChoice,
    /// <summary>How much one value (<see cref="SurveyQuestion.ValueId"/>) matters, 1 … 5.</summary>
    ValueImportance,
    /// <summary>Choose and order the top 3 of the active values.</summary>
    ValueRanking,
    FreeText,
}

public enum SurveyResponseSource
{
    /// <summary>Answered on the public survey page.</summary>
    Web,
    /// <summary>Collected elsewhere and imported from CSV.</summary>
    Import,
}

/// <summary>A survey: its texts, its state and its anonymous link. docs/surveys.md.</summary>
public sealed class Survey : IStamped, IVersioned
{
    public long Id { get; set; }
    public string Title { get; set; } = "";
    /// <summary>Shown above the questions on the public page.</summary>
    public string? Intro { get; set; }
    /// <summary>Shown on the thank-you page after a response is saved.</summary>
    public string? ThankYou { get; set; }
    public SurveyStatus Status { get; set; }
    /// <summary>When the survey closes by itself (UTC); null = open until closed by hand.</summary>
    public DateTimeOffset? ClosesAt { get; set; }
    public DateTimeOffset? OpenedAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    /// <summary>Whether the anonymous link answers (each visit creates a new response).</summary>
    public bool AnonymousEnabled { get; set; }
    /// <summary>Random part of the anonymous link's token; a new nonce revokes the old link.</summary>
    public string? AnonymousNonce { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public int Version { get; set; }

    /// <summary>Whether answers are accepted at <paramref name="now"/> (open and not past <see cref="ClosesAt"/>).</summary>
    public bool AcceptsAnswersAt(DateTimeOffset now) => Status == SurveyStatus.Open && (ClosesAt is null || now < ClosesAt);
}

/// <summary>One question of a survey, at a position (1-based, no gaps).</summary>
public sealed class SurveyQuestion
{
    public long Id { get; set; }
    public long SurveyId { get; set; }
    public int Position { get; set; }
    /// <summary>Stable short name of the question within its survey (a CSV import's column header), e.g. <c>nps</c>, <c>q3</c>.</summary>
    public string Key { get; set; } = "";
    public SurveyQuestionKind Kind { get; set; }
    public string Prompt { get; set; } = "";
    public string? HelpText { get; set; }
    public bool Required { get; set; }
    /// <summary>Choices of a single or multiple choice question, one per line.</summary>
    public string? Options { get; set; }
    /// <summary>The value a value-importance question asks about.</summary>
    public long? ValueId { get; set; }

    public IReadOnlyList<string> OptionList => SurveyRules.SplitLines(Options);
}

/// <summary>A customer invited to answer a survey through a personal link (one response each, editable until it closes).</summary>
public sealed class SurveyInvitation : ICreated
{
    public long Id { get; set; }
    public long SurveyId { get; set; }
    public long CustomerId { get; set; }
    /// <summary>Random part signed into the link's token with the invitation id; a new nonce revokes the old link.</summary>
    public string Nonce { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    /// <summary>The survey's closing time when it has one; links stop answering once the survey closes in any case.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }
    /// <summary>The response given through this invitation, once there is one.</summary>
    public long? ResponseId { get; set; }
}

/// <summary>One respondent's answers to a survey.</summary>
public sealed class SurveyResponse : IVersioned
{
    public long Id { get; set; }
    public long SurveyId { get; set; }
    /// <summary>Null for the anonymous link and for imported rows that name no known customer.</summary>
    public long? CustomerId { get; set; }
    public long? InvitationId { get; set; }
    public SurveyResponseSource Source { get; set; }
    /// <summary>The response's id in the system it was imported from (re-importing the same id updates it).</summary>
    public string? ExternalId { get; set; }
    public DateTimeOffset SubmittedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public int Version { get; set; }
}

/// <summary>The answer to one question in one response; blank (optional, unanswered) questions have no row.</summary>
public sealed class SurveyAnswer
{
    public long Id { get; set; }
    public long ResponseId { get; set; }
    public long QuestionId { get; set; }
    /// <summary>Copied from the response (every customer-owned table carries customer_id, DESIGN.md scale path).</summary>
    public long? CustomerId { get; set; }
    /// <summary>Rating, NPS, CSAT and value importance.</summary>
    public int? NumberValue { get; set; }
    /// <summary>
    /// Single and multiple choice: the chosen options, one per line, as written in the question. Value ranking: the
    /// values' keys, one per line, first = most important.
    /// </summary>
    public string? ChoiceValues { get; set; }
    /// <summary>Free text, stored exactly as given (shown escaped everywhere).</summary>
    public string? TextValue { get; set; }

    public IReadOnlyList<string> ChoiceList => SurveyRules.SplitLines(ChoiceValues);
}
