using System.Diagnostics;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Diagnostics;

namespace Rapport.Pages;

/// <summary>
/// An unexpected error on a page answers with an HTML page in the app's style (the REST API keeps its problem
/// details). The page is written here rather than rendered, so a broken view cannot break the error page too.
/// </summary>
internal sealed class PageExceptionHandler(ILogger<PageExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (RapportApp.IsApi(httpContext.Request.Path) || exception is BadHttpRequestException || httpContext.Response.HasStarted)
        {
            return false;
        }

        logger.LogError(exception, "Unhandled exception for {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
        var traceId = HtmlEncoder.Default.Encode(Activity.Current?.Id ?? httpContext.TraceIdentifier);
        httpContext.Response.StatusCode = StatusCodes.Status500InternalServerError;
        if (httpContext.Request.Headers.ContainsKey("HX-Request"))
        {
            // htmx does not swap error responses; rapport.js shows its own message.
            httpContext.Response.ContentType = "text/plain; charset=utf-8";
            await httpContext.Response.WriteAsync($"Something went wrong on our side (reference {traceId}).", cancellationToken);
            return true;
        }

        httpContext.Response.ContentType = "text/html; charset=utf-8";
        await httpContext.Response.WriteAsync(
            $"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
                <meta charset="utf-8">
                <meta name="viewport" content="width=device-width, initial-scale=1">
                <title>Something went wrong · Rapport</title>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml">
                <link rel="stylesheet" href="/css/rapport.css">
            </head>
            <body>
                <header class="topbar"><div class="topbar-inner"><a class="brand" href="/"><span>Rapport</span></a></div></header>
                <main id="main" class="page">
                    <div class="narrow">
                        <div class="card">
                            <p class="error-code" aria-hidden="true">500</p>
                            <h1>Something went wrong</h1>
                            <p>The server could not finish this request. The error has been logged; try again in a moment.</p>
                            <p class="actions"><a class="button" href="/">Go to the dashboard</a></p>
                            <p class="hint">Reference: <code>{traceId}</code></p>
                        </div>
                    </div>
                </main>
            </body>
            </html>
            """,
            cancellationToken);
        return true;
    }
}
