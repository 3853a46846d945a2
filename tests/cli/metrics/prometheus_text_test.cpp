// PrometheusText: the exposition format's lines and escaping.
#include "cli/metrics/PrometheusText.hpp"

#include <doctest/doctest.h>

#include <stdexcept>

using certa::cli::PrometheusText;

TEST_CASE("families: HELP and TYPE, then their samples") {
    PrometheusText out;
    out.family("certa_x_total", "counter", "Things.");
    out.sample({{"outcome", "a"}}, std::uint64_t{3});
    out.sample({{"outcome", "b"}, {"id", "7"}}, std::int64_t{-2});
    out.single("certa_y", "gauge", "One.", 5);
    CHECK(out.text() ==
          "# HELP certa_x_total Things.\n# TYPE certa_x_total counter\n"
          "certa_x_total{outcome=\"a\"} 3\ncerta_x_total{outcome=\"b\",id=\"7\"} -2\n"
          "# HELP certa_y One.\n# TYPE certa_y gauge\ncerta_y 5\n");
}

TEST_CASE("label values and help are escaped; doubles in their shortest form") {
    PrometheusText out;
    out.family("certa_z", "gauge", "back\\slash and\nnewline \"quoted\"");
    out.sample({{"name", "a\"b\\c\nd"}}, 0.25);
    out.sample({}, 1e-3);
    CHECK(out.text() ==
          "# HELP certa_z back\\\\slash and\\nnewline \"quoted\"\n# TYPE certa_z gauge\n"
          "certa_z{name=\"a\\\"b\\\\c\\nd\"} 0.25\ncerta_z 0.001\n");
}

TEST_CASE("a sample needs a family") {
    PrometheusText out;
    CHECK_THROWS_AS(out.sample({}, std::int64_t{1}), std::logic_error);
}
