#include "storage/sql/Query.hpp"

#include <atomic>

namespace certa::storage::sql {

namespace {
std::atomic<std::size_t> next_id{0};
}  // namespace

Query::Query(std::string portable)
    : sqlite_(sqlite_dialect().translate(portable)),
      postgres_(postgres_dialect().translate(portable)),
      id_(next_id.fetch_add(1, std::memory_order_relaxed)) {}

}  // namespace certa::storage::sql
