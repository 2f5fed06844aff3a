#pragma once
// Opens the store the options name: LMDB in a data folder, or PostgreSQL at a URL
// (creating or upgrading its schema). Errors say which store and why; a PostgreSQL
// URL's password never appears in them.
#include <memory>

#include "store/options.hpp"
#include "store/store.hpp"

namespace wsn::store {

Result<std::unique_ptr<Store>> open(const Options& opts);

// "postgresql://..." or "postgres://..." (or a libpq "key=value" string with host= or
// dbname=) names PostgreSQL; anything else is not a store URL.
bool is_postgres_url(std::string_view s);

}  // namespace wsn::store
