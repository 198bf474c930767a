using Rapport.Analytics;

namespace Rapport.Tests.Analytics;

/// <summary>The segment map as data: the UI shows it, so it must cover the grid exactly once and agree with the lookup.</summary>
public sealed class RfmSegmentTests
{
    [Fact]
    public void Every_cell_of_the_five_by_five_grid_belongs_to_exactly_one_segment()
    {
        var owners = RfmSegments.All
            .SelectMany(d => d.Cells.Select(c => (c.Recency, c.FrequencyMonetary, d.Key)))
            .GroupBy(x => (x.Recency, x.FrequencyMonetary))
            .ToDictionary(g => g.Key, g => g.Select(x => x.Key).ToList());

        var grid = from r in Enumerable.Range(1, 5) from fm in Enumerable.Range(1, 5) select (r, fm);
        owners.Keys.Should().BeEquivalentTo(grid);
        owners.Should().OnlyContain(pair => pair.Value.Count == 1);
    }

    [Fact]
    public void The_lookup_agrees_with_the_cells_each_definition_lists()
    {
        foreach (var definition in RfmSegments.All)
        {
            foreach (var cell in definition.Cells)
            {
                RfmSegments.Of(cell.Recency, cell.FrequencyMonetary).Should().Be(definition.Segment, $"{cell} is listed by {definition.Key}");
            }

            RfmSegments.Definition(definition.Segment).Should().BeSameAs(definition);
            RfmSegments.Find(definition.Key).Should().BeSameAs(definition);
        }

        RfmSegments.Find("whales").Should().BeNull();
        FluentActions.Invoking(() => RfmSegments.Of(0, 3)).Should().Throw<ArgumentOutOfRangeException>();
        FluentActions.Invoking(() => RfmSegments.Of(3, 6)).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void The_eleven_segments_have_stable_keys_names_and_readable_rules()
    {
        RfmSegments.All.Select(d => d.Key).Should().Equal(
            "champions", "loyal", "potential_loyalists", "new", "promising", "need_attention",
            "about_to_sleep", "at_risk", "cant_lose_them", "hibernating", "lost");
        RfmSegments.All.Select(d => d.Segment).Should().Equal(Enum.GetValues<RfmSegment>());
        RfmSegments.All.Should().OnlyContain(d => d.Name.Length > 0 && d.Description.Length > 20);

        RfmSegments.Definition(RfmSegment.Champions).Rule.Should().Be("R 5 and FM 4–5");
        RfmSegments.Definition(RfmSegment.Loyal).Rule.Should().Be("R 3–4 and FM 4–5");
        RfmSegments.Definition(RfmSegment.NeedAttention).Rule.Should().Be("R 3 and FM 3");
        RfmSegments.Definition(RfmSegment.CantLoseThem).Rule.Should().Be("R 1–2 and FM 5");
        RfmSegments.Definition(RfmSegment.CantLoseThem).Name.Should().Be("Can't lose them");
    }

    [Theory]
    [InlineData(5, 5, RfmSegment.Champions)]
    [InlineData(5, 1, RfmSegment.New)]
    [InlineData(4, 1, RfmSegment.Promising)]
    [InlineData(4, 3, RfmSegment.PotentialLoyalists)]
    [InlineData(4, 4, RfmSegment.Loyal)]
    [InlineData(3, 3, RfmSegment.NeedAttention)]
    [InlineData(3, 2, RfmSegment.AboutToSleep)]
    [InlineData(2, 3, RfmSegment.AtRisk)]
    [InlineData(2, 5, RfmSegment.CantLoseThem)]
    [InlineData(2, 2, RfmSegment.Hibernating)]
    [InlineData(1, 1, RfmSegment.Lost)]
    [InlineData(1, 2, RfmSegment.Lost)]
    public void Cells_map_to_the_documented_segment(int recency, int frequencyMonetary, RfmSegment expected) =>
        RfmSegments.Of(recency, frequencyMonetary).Should().Be(expected);
}
