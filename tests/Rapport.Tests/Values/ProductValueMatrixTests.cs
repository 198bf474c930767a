using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Rapport.Identity;
using Rapport.Products;
using Rapport.Tests.Infrastructure;
using Rapport.Tests.Pages;
using Rapport.Values;

namespace Rapport.Tests.Values;

/// <summary>The products × values matrix through the API and its page, against a small catalogue of its own.</summary>
public sealed class ProductValueMatrixTests(RapportAppFactory app) : IClassFixture<RapportAppFactory>
{
    private async Task<(long Beans, long Mug, long Cups)> CatalogueAsync() =>
        await app.WithScopeAsync(async sp =>
        {
            var create = sp.GetRequiredService<CreateProduct>();
            var tag = sp.GetRequiredService<SetProductValues>();
            async Task<long> ProductAsync(string sku, string name, string category, params (string Value, int Strength)[] tags)
            {
                var product = (await create.HandleAsync(new CreateProductRequest(sku, name, Category: category, Price: 10m, Currency: "USD"), CancellationToken.None)).Value!;
                var set = await tag.HandleAsync(product.Id, new SetProductValuesRequest([.. tags.Select(t => new ProductValueInput(t.Value, t.Strength))]), CancellationToken.None);
                set.IsOk.Should().BeTrue(set.Message);
                return product.Id;
            }

            var suffix = Guid.NewGuid().ToString("N")[..6];
            return (await ProductAsync($"B-{suffix}", "Organic beans", "Coffee " + suffix, ("quality", 3), ("sustainability", 2)),
                await ProductAsync($"M-{suffix}", "Stoneware mug", "Gear " + suffix, ("craftsmanship", 3)),
                await ProductAsync($"C-{suffix}", "Paper cups", "Gear " + suffix));
        });

    [Fact]
    public async Task The_matrix_lists_each_products_strength_per_value_and_the_values_no_product_supports()
    {
        var (beans, mug, cups) = await CatalogueAsync();
        var client = app.ClientAs(Role.Analyst);

        var matrix = await client.GetFromJsonAsync<JsonElement>("/api/v1/product-values");
        var rows = matrix.GetProperty("products").EnumerateArray().ToDictionary(p => p.GetProperty("id").GetInt64());
        rows[beans].GetProperty("strengths").GetProperty("quality").GetInt32().Should().Be(3);
        rows[beans].GetProperty("strengths").GetProperty("sustainability").GetInt32().Should().Be(2);
        rows[mug].GetProperty("strengths").GetProperty("craftsmanship").GetInt32().Should().Be(3);
        rows[cups].GetProperty("strengths").EnumerateObject().Should().BeEmpty();
        var values = matrix.GetProperty("values").EnumerateArray().ToList();
        values.Select(v => v.GetProperty("key").GetString()).Should().HaveCount(DefaultValues.All.Count);
        values.Single(v => v.GetProperty("key").GetString() == "quality").GetProperty("coreProducts").GetInt32().Should().BeGreaterThanOrEqualTo(1);
        var unsupported = matrix.GetProperty("unsupported").EnumerateArray().Select(v => v.GetProperty("key").GetString()).ToList();
        unsupported.Should().NotContain(["quality", "sustainability", "craftsmanship"]);
        unsupported.Should().Contain("ethics");
        matrix.GetProperty("untagged").GetInt32().Should().BeGreaterThanOrEqualTo(1);

        // A category narrows the rows; a silly category is refused with a field error.
        var gear = rows[mug].GetProperty("category").GetString()!;
        var narrowed = await client.GetFromJsonAsync<JsonElement>($"/api/v1/product-values?category={Uri.EscapeDataString(gear)}");
        narrowed.GetProperty("products").EnumerateArray().Select(p => p.GetProperty("id").GetInt64()).Should().BeEquivalentTo([mug, cups]);
        var bad = await client.GetAsync($"/api/v1/product-values?category={new string('x', 101)}");
        bad.StatusCode.Should().Be(HttpStatusCode.BadRequest);

        // The page shows the same cells, with a link from the values page.
        var session = await PageSession.SignInAsync(app, Role.Analyst);
        (await session.GetAsync("/values")).QuerySelector("a[href='/product-values']").Should().NotBeNull();
        var page = await session.GetAsync("/product-values");
        page.QuerySelector($"tr[data-product='{beans}'] td[data-cell=quality]").Text().Should().Be("3");
        page.QuerySelector($"tr[data-product='{cups}'] td[data-cell=quality]").Text().Should().Be("not tagged");
        page.QuerySelector("#unsupported-values").Text().Should().Contain("Ethics");
        var filtered = await session.GetAsync($"/product-values?category={Uri.EscapeDataString(gear)}");
        filtered.QuerySelectorAll("#product-value-matrix tbody tr").Should().HaveCount(2);
    }
}
