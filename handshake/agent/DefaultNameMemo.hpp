// The host's default name (certa_default_name, select_for_host's argument),
// normalized once per distinct input: a host has a few server blocks, each
// with one default, so each thread keeps its last few.
#pragma once

#include <string>

namespace certa::handshake {

class DefaultNameMemo {
public:
    // `raw` normalized (storage::normalize_server_name), or "" when empty or
    // not a valid name. The reference stays valid until this thread's next
    // few calls.
    static const std::string& normalized(const std::string& raw);
};

}  // namespace certa::handshake
