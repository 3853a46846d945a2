// The key type list (KeyType.hpp) and the texts derived from it.
#include "storage/KeyType.hpp"

namespace certa::storage {

const KeyType* find_key_type(std::string_view name) {
    for (const auto& type : kKeyTypes)
        if (type.name == name) return &type;
    return nullptr;
}

bool is_key_type(std::string_view name) { return find_key_type(name) != nullptr; }

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
