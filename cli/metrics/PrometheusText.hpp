// Builds a Prometheus text exposition (format version 0.0.4): families with
// their "# HELP" and "# TYPE" lines, then their samples. Label values and
// help texts are escaped here; metric and label names are the caller's
// constants (certa_..., [a-z_]).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

namespace certa::cli {

// The Content-Type of this format.
inline constexpr const char* kPrometheusContentType = "text/plain; version=0.0.4";

class PrometheusText {
public:
    struct Label {
        std::string_view name;
        std::string_view value;
    };

    // Starts a family; every sample() up to the next family() belongs to it
    // (the format wants a family's samples together). `type`: "gauge" or "counter".
    void family(std::string_view name, std::string_view type, std::string_view help);
    void sample(std::initializer_list<Label> labels, std::int64_t value);
    void sample(std::initializer_list<Label> labels, std::uint64_t value);
    void sample(std::initializer_list<Label> labels, double value);
    // One family with one unlabelled sample.
    void single(std::string_view name, std::string_view type, std::string_view help, std::int64_t value);

    const std::string& text() const { return text_; }

private:
    void begin_sample(std::initializer_list<Label> labels);

    std::string text_;
    std::string family_;  // name of the current family
};

}  // namespace certa::cli
