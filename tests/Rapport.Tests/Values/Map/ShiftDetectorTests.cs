using Rapport.Values.Map;

namespace Rapport.Tests.Values.Map;

/// <summary>The two-proportion test behind the alerts: it finds real shifts and stays quiet on noise.</summary>
public sealed class ShiftDetectorTests
{
    [Fact]
    public void Erfc_matches_known_values()
    {
        ShiftDetector.Erfc(0).Should().BeApproximately(1, 1e-7);
        ShiftDetector.Erfc(1).Should().BeApproximately(0.157299207, 1e-7);
        ShiftDetector.Erfc(-1).Should().BeApproximately(1.842700793, 1e-7);
        ShiftDetector.TwoSidedP(1.959964).Should().BeApproximately(0.05, 1e-6);
        ShiftDetector.TwoSidedP(2.575829).Should().BeApproximately(0.01, 1e-6);
    }

    [Fact]
    public void A_doubling_from_9_to_18_percent_over_hundreds_of_comments_is_a_shift_even_among_24_tests()
    {
        var test = ShiftDetector.Test(new Proportion(54, 300), new Proportion(108, 1200));

        test.Testable.Should().BeTrue();
        test.Z.Should().BeApproximately(4.49, 0.01);
        ShiftDetector.IsShift(test, tests: 24).Should().BeTrue();
    }

    [Fact]
    public void The_same_shares_over_a_handful_of_comments_are_not_a_shift()
    {
        var few = ShiftDetector.Test(new Proportion(5, 28), new Proportion(11, 120));
        few.Testable.Should().BeFalse("a window needs 30 comments");
        ShiftDetector.IsShift(few, 1).Should().BeFalse();

        var small = ShiftDetector.Test(new Proportion(10, 50), new Proportion(20, 200));
        small.Testable.Should().BeTrue();
        small.P.Should().BeApproximately(0.052, 0.002);
        ShiftDetector.IsShift(small, 1).Should().BeFalse();

        var rare = ShiftDetector.Test(new Proportion(2, 400), new Proportion(0, 1600));
        rare.Testable.Should().BeFalse("fewer than 5 expected mentions in the recent window");
    }

    [Fact]
    public void A_drop_is_a_shift_too_and_the_correction_for_many_tests_raises_the_bar()
    {
        // 30 % → 24 %: z ≈ −2.9, p ≈ 0.0037: a shift alone, not among 24 tests.
        var drop = ShiftDetector.Test(new Proportion(144, 600), new Proportion(720, 2400));
        drop.Z.Should().BeLessThan(0);
        ShiftDetector.IsShift(drop, tests: 1).Should().BeTrue();
        ShiftDetector.IsShift(drop, tests: 24).Should().BeFalse();
    }

    [Fact]
    public void Stable_random_series_raise_about_one_false_alarm_in_a_hundred_tests_and_none_per_page_of_24()
    {
        // 2,000 series with a constant true share (5–40 %), monthly comment counts of 40–200: 3 months against 12.
        var random = new Random(20261206);
        var single = 0;
        var pages = 0;
        var flaggedPages = 0;
        const int Series = 2_400;
        var page = new List<ShiftTest>();
        for (var i = 0; i < Series; i++)
        {
            var share = 0.05 + random.NextDouble() * 0.35;
            var perMonth = random.Next(40, 201);
            Proportion Window(int months)
            {
                var hits = 0;
                for (var k = 0; k < months * perMonth; k++)
                {
                    hits += random.NextDouble() < share ? 1 : 0;
                }

                return new Proportion(hits, months * perMonth);
            }

            var test = ShiftDetector.Test(Window(3), Window(12));
            test.Testable.Should().BeTrue();
            single += test.P < ShiftDetector.Alpha ? 1 : 0;
            page.Add(test);
            if (page.Count == 24)
            {
                pages++;
                flaggedPages += page.Any(t => ShiftDetector.IsShift(t, page.Count)) ? 1 : 0;
                page.Clear();
            }
        }

        // The uncorrected test is calibrated (about 1 % at p < 0.01), and a page of 24 corrected tests raises no alarm.
        ((double)single / Series).Should().BeInRange(0.002, 0.025);
        pages.Should().Be(100);
        flaggedPages.Should().BeLessThanOrEqualTo(2);
    }
}
