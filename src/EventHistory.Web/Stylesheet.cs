using Microsoft.AspNetCore.Http;

namespace EventHistory.Web;

/// Our one stylesheet, from the assembly: nothing on a page is loaded from elsewhere.
public static class Stylesheet
{
    private static readonly byte[] Css = Read();

    public static IResult Serve(HttpContext http)
    {
        http.Response.Headers.CacheControl = "public, max-age=3600";
        return Results.Bytes(Css, "text/css; charset=utf-8");
    }

    private static byte[] Read()
    {
        using var stream = typeof(Stylesheet).Assembly.GetManifestResourceStream("EventHistory.Web.site.css")
            ?? throw new InvalidOperationException("The stylesheet is not embedded.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
