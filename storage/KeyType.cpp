// The key type list (KeyType.hpp) and the texts derived from it.
#include "storage/KeyType.hpp"

namespace certa::storage {

const KeyType* find_key_type(std::string_view name) {
    for (const auto& type : kKeyTypes)
        if (type.name == name) return &type;
    return nullptr;
}

bool is_key_type(std::string_view name) { return find_key_type(name) != nullptr; }

namespace {

struct Prefix {
    std::string_view prefix;
    const char* algorithm;
};
constexpr std::array<Prefix, 2> kPrefixes{{{"ec", "EC"}, {"rsa", "RSA"}}};

}  // namespace

std::string key_type_name(std::string_view algorithm, int bits) {
    if (bits <= 0) return {};
    for (const auto& p : kPrefixes)
        if (algorithm == p.algorithm) return std::string(p.prefix) + std::to_string(bits);
    return {};
}

std::optional<KeyTypeShape> key_type_shape(std::string_view name) {
    for (const auto& p : kPrefixes) {
        if (!name.starts_with(p.prefix)) continue;
        const std::string_view digits = name.substr(p.prefix.size());
        if (digits.empty() || digits.size() > 5 || digits.front() == '0') return std::nullopt;
        int bits = 0;
        for (char c : digits) {
            if (c < '0' || c > '9') return std::nullopt;
            bits = bits * 10 + (c - '0');
        }
        return KeyTypeShape{p.algorithm, bits};
    }
    return std::nullopt;
}

std::vector<std::string> key_type_names() {
    std::vector<std::string> out;
    for (const auto& type : kKeyTypes) out.emplace_back(type.name);
    return out;
}

namespace {

std::string joined(bool mark_default) {
    std::string out;
    for (const auto& type : kKeyTypes) {
        if (!out.empty()) out += ", ";
        out += type.name;
        if (mark_default && type.name == kDefaultKeyType) out += " (default)";
    }
    return out;
}

}  // namespace

std::string key_type_help() { return joined(true); }

std::string unknown_key_type(std::string_view name) {
    return "unknown key type '" + std::string(name) + "' (" + joined(false) + ")";
}

}  // namespace certa::storage
