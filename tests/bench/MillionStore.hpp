// A store of N certificates for the cache benchmark, made fast enough for a
// million: a handful of issuers and leaf keys shared by every row (each leaf
// is still its own certificate for h<i>.bench.test, signed by issuer i % 4,
// with that issuer in its chain), made on two threads and written with plain
// SQL in big transactions into a store that storage::open_store created
// (the schema's own tables and columns; one store generation for all rows).
// Kept as DIR/cache-N.db and reused while it holds exactly N rows.
#pragma once

#include <cstddef>
#include <string>

namespace certa::bench {

// Makes (or reuses) the store; returns its path. Prints what it did.
std::string million_store(const std::string& dir, std::size_t n);

}  // namespace certa::bench
