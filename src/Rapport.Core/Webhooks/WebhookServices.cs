using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Rapport.Webhooks;

public static class WebhookServices
{
    public static IServiceCollection AddWebhooks(this IServiceCollection services)
    {
        services.AddSingleton(sp => WebhookOptions.From(sp.GetRequiredService<IConfiguration>()));
        services.AddSingleton<WebhookOutbox>();
        services.AddHostedService<WebhookDispatcher>();
        services.AddScoped<ListWebhooks>();
        services.AddScoped<GetWebhook>();
        services.AddScoped<CreateWebhook>();
        services.AddScoped<UpdateWebhook>();
        services.AddScoped<DeleteWebhook>();
        services.AddScoped<RotateWebhookSecret>();
        services.AddScoped<ListWebhookDeliveries>();
        services.AddScoped<GetWebhookDelivery>();
        services.AddScoped<ReplayWebhookDelivery>();
        services.AddScoped<SendWebhookTest>();
        return services;
    }
}
