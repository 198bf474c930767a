using Microsoft.AspNetCore.Mvc.Filters;

namespace Rapport.Pages;

/// <summary>
/// Every page response: never stored by browsers or proxies (pages show personal data to signed-in staff), and
/// varying by the htmx headers, since the same address answers a whole page or, to htmx, a fragment of it.
/// </summary>
internal sealed class PageResponseHeaders : IResultFilter
{
    public void OnResultExecuting(ResultExecutingContext context)
    {
        var headers = context.HttpContext.Response.Headers;
        headers.CacheControl = "no-store";
        headers.Vary = "HX-Request, HX-Target";
    }

    public void OnResultExecuted(ResultExecutedContext context)
    {
    }
}
