using Microsoft.Extensions.DependencyInjection;
using Rapport.Research.Evidence;

namespace Rapport.Surveys;

public static class SurveyServices
{
    public static IServiceCollection AddSurveys(this IServiceCollection services)
    {
        services.AddSingleton<SurveyLinks>();
        services.AddScoped<GetSurvey>();
        services.AddScoped<ListSurveys>();
        services.AddScoped<CreateSurvey>();
        services.AddScoped<UpdateSurvey>();
        services.AddScoped<DeleteSurvey>();
        services.AddScoped<PublishSurvey>();
        services.AddScoped<CloseSurvey>();
        services.AddScoped<AddSurveyQuestion>();
        services.AddScoped<UpdateSurveyQuestion>();
        services.AddScoped<RemoveSurveyQuestion>();
        services.AddScoped<ReorderSurveyQuestions>();
        services.AddScoped<InviteCustomers>();
        services.AddScoped<ListSurveyInvitations>();
        services.AddScoped<SaveSurveyResponse>();
        services.AddScoped<OpenSurveyLink>();
        services.AddScoped<SubmitSurveyLink>();
        services.AddScoped<ListSurveyResponses>();
        services.AddScoped<GetSurveyResponse>();
        services.AddScoped<DeleteSurveyResponse>();
        services.AddScoped<ImportSurveyResponses>();
        services.AddScoped<IResearchTextSource, SurveyAnswerTexts>();
        return services;
    }
}
