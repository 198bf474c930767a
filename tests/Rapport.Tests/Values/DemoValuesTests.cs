using Rapport.Tests.Demo;

namespace Rapport.Tests.Values;

public sealed class DemoValuesTests
{
    private const string Ratings =
        "SELECT v.key, r.importance, r.evidence, u.email FROM value_ratings r JOIN taxonomy_values v ON v.id = r.value_id JOIN users u ON u.id = r.owner_user_id ORDER BY v.key, r.id";

    private const string Tags = "SELECT p.sku, v.key, pv.strength FROM product_values pv JOIN products p ON p.id = pv.product_id JOIN taxonomy_values v ON v.id = pv.value_id ORDER BY p.sku, v.key";

    [Fact]
    public async Task The_demo_business_rates_its_values_and_tags_its_products_the_same_way_every_time_and_only_once()
    {
        await using var first = await DemoDatabase.CreateAsync();
        await using var second = await DemoDatabase.CreateAsync();
        await first.GenerateAsync(30, 42);
        await second.GenerateAsync(30, 7);

        var ratings = await first.RowsAsync(Ratings);
        ratings.Should().HaveCount(12, "every default value is rated");
        ratings.Should().OnlyContain(r => r.EndsWith("|sam.okafor@example.com|", StringComparison.Ordinal), "the marketing lead owns the ratings");
        ratings.Should().Contain(r => r.StartsWith("quality|5|", StringComparison.Ordinal));
        var tags = await first.RowsAsync(Tags);
        tags.Should().Contain("CB-COL-HUI-250|ethics|3|").And.Contain("WS-CUPS-1000|sustainability|3|").And.Contain("SV-GRINDER-SERVICE|service|3|");
        (await first.ScalarAsync("SELECT COUNT(DISTINCT product_id) FROM product_values")).Should().Be(await first.ScalarAsync("SELECT COUNT(*) FROM products"));

        (await second.RowsAsync(Ratings)).Should().Equal(ratings, "the values do not depend on the seed");
        (await second.RowsAsync(Tags)).Should().Equal(tags);

        await first.GenerateAsync(10, 43);
        (await first.RowsAsync(Ratings)).Should().Equal(ratings, "a second run adds no rating");
        (await first.RowsAsync(Tags)).Should().Equal(tags, "a second run adds no tag");
    }
}
