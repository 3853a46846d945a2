// A file outside the store (an export directory, a webroot, a key file)
// could not be read or written. The CLI maps it to exit code 5 (LocalIo).
// The message names the path and the OS error, never file contents.
#pragma once

#include <stdexcept>
#include <string>

namespace certa::acme {

class LocalFileError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace certa::acme
