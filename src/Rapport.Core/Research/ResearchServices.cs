using Microsoft.Extensions.DependencyInjection;
using Rapport.Research.Evidence;
using Rapport.Research.Review;
using Rapport.Research.Sessions;

namespace Rapport.Research;

public static class ResearchServices
{
    /// <summary>
    /// Customer research: value evidence and theme detection over free text, interviews and focus groups, the review of
    /// emergent themes. Features holding free text add their <see cref="IResearchTextSource"/> in their own AddX().
    /// </summary>
    public static IServiceCollection AddResearch(this IServiceCollection services)
    {
        services.AddSingleton<DetectionCache>();
        services.AddScoped<MentionIndexer>();

        services.AddScoped<SessionEvidence>();
        services.AddScoped<IResearchTextSource, SessionTranscriptSource>();
        services.AddScoped<ListSessions>();
        services.AddScoped<GetSession>();
        services.AddScoped<CreateSession>();
        services.AddScoped<UpdateSession>();
        services.AddScoped<DeleteSession>();
        services.AddScoped<AddParticipants>();
        services.AddScoped<RemoveParticipant>();
        services.AddScoped<AddExcerpt>();
        services.AddScoped<SetExcerptCodes>();
        services.AddScoped<DeleteExcerpt>();

        services.AddScoped<ListThemeProposals>();
        services.AddScoped<GetThemeProposal>();
        services.AddScoped<RefreshThemeProposals>();
        services.AddScoped<AcceptThemeProposal>();
        services.AddScoped<AddThemeToValue>();
        services.AddScoped<DismissThemeProposal>();
        services.AddScoped<ReindexResearch>();
        services.AddHostedService<ResearchWorker>();
        return services;
    }
}
