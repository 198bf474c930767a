using Rapport.Api;
using Rapport.Data;
using Rapport.Identity;

namespace Rapport;

/// <summary>The web host: UI, REST API and background workers. Reads as a list of feature registrations.</summary>
public static class RapportApp
{
    /// <summary>
    /// <c>appsettings.json</c> in the working directory (next to <c>data/</c>) overrides the one shipped with the
    /// binary and is overridden by environment variables and arguments: the same order the admin commands use.
    /// </summary>
    private static void AddWorkingDirectorySettings(ConfigurationManager configuration)
    {
        var local = Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json");
        if (Path.GetFullPath(local) == Path.Combine(AppContext.BaseDirectory, "appsettings.json"))
        {
            return;
        }

        var sources = ((IConfigurationBuilder)configuration).Sources;
        var lastJson = sources.ToList().FindLastIndex(s => s is Microsoft.Extensions.Configuration.Json.JsonConfigurationSource);
        var source = new Microsoft.Extensions.Configuration.Json.JsonConfigurationSource { Path = local, Optional = true, ReloadOnChange = false };
        source.ResolveFileProvider();
        sources.Insert(lastJson + 1, source);
    }

    public static WebApplication Build(string[] args, bool useBinaryContentRoot)
    {
        // The application name is fixed so that the static-assets manifest (rapport.staticwebassets.*.json) is found
        // whichever host starts the app: the CLI, WebApplicationFactory, the browser tests or a benchmark.
        var builder = WebApplication.CreateBuilder(useBinaryContentRoot
            ? new WebApplicationOptions { Args = args, ApplicationName = "rapport", ContentRootPath = AppContext.BaseDirectory }
            : new WebApplicationOptions { Args = args, ApplicationName = "rapport" });
        if (useBinaryContentRoot)
        {
            AddWorkingDirectorySettings(builder.Configuration);
        }

        // Serve wwwroot and the npm files copied at build time from the build output too, not only after publish.
        builder.WebHost.UseStaticWebAssets();
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = ApiLimits.MaxRequestBodyBytes);

        builder.Services.AddRapportData(builder.Configuration);
        builder.Services.AddRapportFeatures();
        builder.Services.AddRapportAuthentication();
        builder.Services.AddRapportRateLimits().AddHttpContextAccessor().AddSingleton<Audit.IAuditActorSource, RequestAuditActor>();
        // Before the API's handlers: pages answer unexpected errors with HTML, the API with problem details.
        builder.Services.AddExceptionHandler<Pages.PageExceptionHandler>();
        builder.Services.AddRapportApi();
        builder.Services.AddRazorPages(o => o.Conventions.AuthorizeFolder("/", Policies.SignedIn).AuthorizeByModule().AllowAnonymousToPage("/SignIn").AllowAnonymousToPage("/Error"));
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
        app.UseRateLimiter();
        app.UseAccessPolicy();
        app.UseAuthorization();
        app.UseCustomerOwnership();
        app.UseAntiforgery();

        app.MapHealthChecks("/health").AllowAnonymous();
        app.MapRapportApi();
        app.MapRazorPages();
        return app;
    }

    internal static bool IsApi(PathString path) => path.StartsWithSegments("/api") || path.StartsWithSegments("/openapi") || path.StartsWithSegments("/health");
}
