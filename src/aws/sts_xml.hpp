#pragma once
// Just enough XML for STS answers: the text of the first <Tag>...</Tag>, and entity decoding.
// Not a general parser: STS answers are small, generated documents without CDATA or
// attributes on these tags.

#include "aws/credentials.hpp"
#include "core/result.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace logship::aws {

// The raw content between the first <tag> (or <tag ...>) and the following </tag>.
std::optional<std::string_view> xml_element(std::string_view doc, std::string_view tag);

// &amp; &lt; &gt; &quot; &apos; and numeric references below 128 decoded; others kept as they are.
std::string xml_unescape(std::string_view text);

// The decoded text of the first <tag>, or nullopt.
std::optional<std::string> xml_text(std::string_view doc, std::string_view tag);

// <Credentials><AccessKeyId/><SecretAccessKey/><SessionToken/><Expiration/></Credentials>.
// Errors name the missing element, never a value.
Result<Credentials> parse_sts_credentials(std::string_view doc);

// "AccessDenied: Not authorized to perform ..." from <Error><Code/><Message/></Error>; "" when
// the document has no <Error>.
std::string sts_error_summary(std::string_view doc);

} // namespace logship::aws
