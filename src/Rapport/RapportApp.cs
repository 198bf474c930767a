using Rapport.Api;
using Rapport.Data;
using Rapport.Identity;

namespace Rapport;

/// <summary>The web host: UI, REST API and background workers. Reads as a list of feature registrations.</summary>
public static class RapportApp
{
    public static WebApplication Build(string[] args, bool useBinaryContentRoot)
    {
        var builder = WebApplication.CreateBuilder(useBinaryContentRoot
            ? new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory }
            : new WebApplicationOptions { Args = args });

        // Serve wwwroot and the npm files copied at build time from the build output too, not only after publish.
        builder.WebHost.UseStaticWebAssets();
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = ApiLimits.MaxRequestBodyBytes);

        builder.Services.AddRapportData(builder.Configuration);
        builder.Services.AddRapportFeatures();
        builder.Services.AddRapportAuthentication();
        // Before the API's handlers: pages answer unexpected errors with HTML, the API with problem details.
        builder.Services.AddExceptionHandler<Pages.PageExceptionHandler>();
        builder.Services.AddRapportApi();
        builder.Services.AddRazorPages(o => o.Conventions.AuthorizeFolder("/", Policies.Read).AllowAnonymousToPage("/SignIn").AllowAnonymousToPage("/Error"));
        builder.Services.Configure<Microsoft.AspNetCore.Mvc.MvcOptions>(o => o.Filters.Add(new Pages.PageResponseHeaders()));
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");

        var app = builder.Build();

        app.UseExceptionHandler();
        // Pages get a friendly HTML page for error status codes; the API keeps problem details.
        app.UseWhen(ctx => IsApi(ctx.Request.Path), api => api.UseStatusCodePages());
        app.UseWhen(ctx => !IsApi(ctx.Request.Path), html => html.UseStatusCodePagesWithReExecute("/error/{0}"));
        // Routing runs after the status-code pages, so a re-executed request (/error/404) is routed again.
        app.UseRouting();
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
        }

        app.UseSecurityHeaders();
        app.UseBodyLimit();
        app.UseSwaggerUI(o =>
        {
            o.RoutePrefix = "api/docs";
            o.SwaggerEndpoint("/openapi/v1.json", "Rapport API v1");
            o.DocumentTitle = "Rapport API";
        });
        app.MapStaticAssets().AllowAnonymous();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();

        app.MapHealthChecks("/health").AllowAnonymous();
        app.MapRapportApi();
        app.MapRazorPages();
        return app;
    }

    internal static bool IsApi(PathString path) => path.StartsWithSegments("/api") || path.StartsWithSegments("/openapi") || path.StartsWithSegments("/health");
}
