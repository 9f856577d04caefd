#pragma once
// The components' health records as /status shows them: one object per record, in order, with
// the records that name a parent nested inside their parent's object.

#include <wtf/core/health.hpp>
#include <wtf/core/json_writer.hpp>

#include <span>

namespace wtf::api::detail {

void append_health_members(core::json_writer& w, std::span<core::health_record const> records);

} // namespace wtf::api::detail
