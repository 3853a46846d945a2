#include "acme/challenge/dns/TsigKey.hpp"

#include "acme/files/LocalFileError.hpp"
#include "storage/base/Text.hpp"
#include "storage/base/UniqueFd.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <sstream>
#include <vector>

namespace certa::acme {
namespace {

constexpr std::size_t kMaxKeyFile = 64 * 1024;
using storage::lowercase;
using storage::one_line;

std::string_view trim(std::string_view s) {
    const auto begin = s.find_first_not_of(" \t\r");
    if (begin == std::string_view::npos) return {};
    return s.substr(begin, s.find_last_not_of(" \t\r") - begin + 1);
}

[[noreturn]] void fail(const std::string& path, const std::string& why) {
    throw LocalFileError("TSIG key file " + path + ": " + why);
}

std::string read_secret_file(const std::string& path) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!fd.valid()) fail(path, std::string("cannot read it: ") + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) fail(path, "not a regular file");
    if (st.st_uid != 0 && st.st_uid != ::geteuid()) fail(path, "owned by another user");
    if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0) fail(path, "group or others may read it (chmod 600)");
    std::string text;
    char buf[4096];
    for (ssize_t n; (n = ::read(fd.get(), buf, sizeof buf)) != 0;) {
        if (n < 0) {
            if (errno == EINTR) continue;
            fail(path, std::string("cannot read it: ") + std::strerror(errno));
        }
        text.append(buf, static_cast<std::size_t>(n));
        if (text.size() > kMaxKeyFile) fail(path, "larger than 64 KiB");
    }
    return text;
}

// "hmac-sha256" for HMAC-SHA256 / hmac-sha256. (certbot spells it upper case).
std::string algorithm_of(std::string text, const std::string& path) {
    text = lowercase(text);
    if (!text.empty() && text.back() == '.') text.pop_back();
    // libldns 1.8.3 signs with these two (its hmac-sha384 lookup is broken);
    // hmac-md5 and hmac-sha1 are refused as too weak.
    if (text == "hmac-sha256" || text == "hmac-sha512") return text;
    fail(path, "algorithm '" + one_line(text) + "' is not supported (use hmac-sha256 or hmac-sha512)");
}

bool is_base64(const std::string& s) {
    if (s.empty() || s.size() % 4 != 0) return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        if (std::isalnum(c) || c == '+' || c == '/') continue;
        if (c == '=' && i + 2 >= s.size()) continue;
        return false;
    }
    return true;
}

std::string absolute(std::string name) {
    if (name.empty() || name.back() != '.') name += '.';
    return lowercase(name);
}

// BIND's grammar: key "NAME" { algorithm ALG; secret "B64"; };  Comments: # // /* */.
std::vector<std::string> tokens_of(const std::string& text, const std::string& path) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < text.size();) {
        const char c = text[i];
        if (std::isspace(static_cast<unsigned char>(c))) {
            ++i;
        } else if (c == '#' || text.compare(i, 2, "//") == 0) {
            i = text.find('\n', i);
            if (i == std::string::npos) break;
        } else if (text.compare(i, 2, "/*") == 0) {
            i = text.find("*/", i + 2);
            if (i == std::string::npos) fail(path, "unterminated comment");
            i += 2;
        } else if (c == '{' || c == '}' || c == ';') {
            out.emplace_back(1, c);
            ++i;
        } else if (c == '"') {
            const auto end = text.find('"', i + 1);
            if (end == std::string::npos) fail(path, "unterminated string");
            out.push_back("\"" + text.substr(i + 1, end - i - 1));
            i = end + 1;
        } else {
            std::size_t end = i;
            while (end < text.size() && !std::isspace(static_cast<unsigned char>(text[end])) &&
                   std::strchr("{};\"", text[end]) == nullptr)
                ++end;
            out.push_back(text.substr(i, end - i));
            i = end;
        }
    }
    return out;
}

TsigKeyFile parse_bind(const std::string& text, const std::string& path) {
    const auto t = tokens_of(text, path);
    std::size_t i = 0;
    auto next = [&](const char* what) -> const std::string& {
        if (i >= t.size()) fail(path, std::string("expected ") + what + " (key \"NAME\" { algorithm ALG; secret \"BASE64\"; };)");
        return t[i++];
    };
    auto expect = [&](const char* token) {
        if (i >= t.size() || t[i] != token)
            fail(path, std::string("expected '") + token + "'" +
                           (i >= t.size() ? std::string(" at the end") : " at token " + std::to_string(i + 1)) +
                           " (key \"NAME\" { algorithm ALG; secret \"BASE64\"; };)");
        ++i;
    };
    expect("key");
    std::string name = next("a key name");
    if (!name.empty() && name.front() == '"') name.erase(0, 1);
    if (name.empty() || name == "{") fail(path, "the key has no name");
    expect("{");
    std::optional<std::string> algorithm, secret;
    while (i < t.size() && t[i] != "}") {
        const std::string field = next("a field");
        std::string value = next("a value");
        if (field == "algorithm" && !algorithm) {
            algorithm = algorithm_of(value, path);
        } else if (field == "secret" && !secret) {
            if (value.empty() || value.front() != '"') fail(path, "the secret must be a quoted string");
            secret = value.substr(1);
        } else {
            fail(path, "unexpected or repeated field '" + one_line(field) + "' (only algorithm and secret)");
        }
        expect(";");
    }
    expect("}");
    expect(";");
    if (i != t.size()) fail(path, "holds more than one key statement");
    if (!algorithm) fail(path, "the key has no algorithm");
    if (!secret || !is_base64(*secret)) fail(path, "the key's secret is missing or not base64");
    return TsigKeyFile{TsigKey{absolute(name), *algorithm, *secret}, std::nullopt, 53};
}

// certbot-dns-rfc2136's credentials file: KEY = VALUE lines, # comments.
TsigKeyFile parse_certbot(const std::string& text, const std::string& path) {
    std::istringstream in(text);
    std::optional<std::string> server, port, name, secret, algorithm;
    int number = 0;
    for (std::string line; std::getline(in, line);) {
        ++number;
        line = std::string(trim(line));
        if (line.empty() || line.front() == '#' || line.front() == ';') continue;
        const auto eq = line.find('=');
        if (eq == std::string::npos) fail(path, "line " + std::to_string(number) + ": expected KEY = VALUE");
        const std::string key(trim(std::string_view(line).substr(0, eq)));
        const std::string value(trim(std::string_view(line).substr(eq + 1)));
        std::optional<std::string>* slot = key == "dns_rfc2136_server"      ? &server
                                           : key == "dns_rfc2136_port"      ? &port
                                           : key == "dns_rfc2136_name"      ? &name
                                           : key == "dns_rfc2136_secret"    ? &secret
                                           : key == "dns_rfc2136_algorithm" ? &algorithm
                                                                            : nullptr;
        if (!slot) continue;  // other plugins' settings may share the file
        if (*slot) fail(path, "line " + std::to_string(number) + ": " + key + " given twice");
        *slot = value;
    }
    if (!name || name->empty()) fail(path, "no dns_rfc2136_name");
    if (!secret || !is_base64(*secret)) fail(path, "dns_rfc2136_secret is missing or not base64");
    // certbot's default is HMAC-MD5, which certa refuses: say so rather than guess.
    if (!algorithm) fail(path, "no dns_rfc2136_algorithm (certbot's default HMAC-MD5 is not supported)");
    TsigKeyFile out{TsigKey{absolute(*name), algorithm_of(*algorithm, path), *secret}, server, 53};
    if (port) {
        const std::string& p = *port;
        if (p.empty() || p.size() > 5 || p.find_first_not_of("0123456789") != std::string::npos || std::stoi(p) == 0 ||
            std::stoi(p) > 65535)
            fail(path, "dns_rfc2136_port is not a port");
        out.port = static_cast<std::uint16_t>(std::stoi(p));
    }
    return out;
}

}  // namespace

TsigKeyFile parse_tsig_key_file(const std::string& text, const std::string& path) {
    if (text.find("dns_rfc2136_") != std::string::npos) return parse_certbot(text, path);
    return parse_bind(text, path);
}

TsigKeyFile read_tsig_key_file(const std::string& path) { return parse_tsig_key_file(read_secret_file(path), path); }

}  // namespace certa::acme
