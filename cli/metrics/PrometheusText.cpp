#include "cli/metrics/PrometheusText.hpp"

#include <charconv>
#include <cmath>
#include <stdexcept>

namespace certa::cli {

namespace {

// `\` and newline in HELP; `"` too in label values (format 0.0.4).
void append_escaped(std::string& out, std::string_view text, bool quote) {
    for (char c : text) {
        if (c == '\\') out += "\\\\";
        else if (c == '\n') out += "\\n";
        else if (c == '"' && quote) out += "\\\"";
        else out += c;
    }
}

}  // namespace

void PrometheusText::family(std::string_view name, std::string_view type, std::string_view help) {
    family_ = name;
    text_ += "# HELP ";
    text_ += name;
    text_ += ' ';
    append_escaped(text_, help, false);
    text_ += "\n# TYPE ";
    text_ += name;
    text_ += ' ';
    text_ += type;
    text_ += '\n';
}

void PrometheusText::begin_sample(std::initializer_list<Label> labels) {
    if (family_.empty()) throw std::logic_error("PrometheusText: sample before family");
    text_ += family_;
    if (labels.size() == 0) {
        text_ += ' ';
        return;
    }
    char separator = '{';
    for (const auto& label : labels) {
        text_ += separator;
        text_ += label.name;
        text_ += "=\"";
        append_escaped(text_, label.value, true);
        text_ += '"';
        separator = ',';
    }
    text_ += "} ";
}

void PrometheusText::sample(std::initializer_list<Label> labels, std::int64_t value) {
    begin_sample(labels);
    text_ += std::to_string(value);
    text_ += '\n';
}

void PrometheusText::sample(std::initializer_list<Label> labels, std::uint64_t value) {
    begin_sample(labels);
    text_ += std::to_string(value);
    text_ += '\n';
}

void PrometheusText::sample(std::initializer_list<Label> labels, double value) {
    begin_sample(labels);
    if (std::isnan(value)) {
        text_ += "NaN";
    } else if (std::isinf(value)) {
        text_ += value > 0 ? "+Inf" : "-Inf";
    } else {
        char buf[64];
        auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);  // shortest round trip
        text_.append(buf, ec == std::errc() ? end : buf);
    }
    text_ += '\n';
}

void PrometheusText::single(std::string_view name, std::string_view type, std::string_view help,
                            std::int64_t value) {
    family(name, type, help);
    sample({}, value);
}

}  // namespace certa::cli
