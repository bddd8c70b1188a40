// SigV4 against AWS's published S3 example, and the XML reading of S3's answers.
#include <algorithm>
#include <catch2/catch.hpp>

#include "storage/s3/s3_xml.hpp"
#include "storage/s3/sigv4.hpp"

using namespace tellus_harness;

TEST_CASE("sigv4: AWS's GET Object example signs to the documented signature") {
  // docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html, "GET Object".
  const SigV4Credentials credentials{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""};
  SigV4Request request{"GET", "examplebucket.s3.amazonaws.com", "/test.txt", {}, {{"Range", "bytes=0-9"}}, kEmptyPayloadSha256};
  const auto headers = sigv4_sign(request, credentials, "us-east-1", "20130524T000000Z");
  CHECK(std::find(headers.begin(), headers.end(),
                  "Authorization: AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
                  "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
                  "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41") != headers.end());
  CHECK(std::find(headers.begin(), headers.end(), "x-amz-date: 20130524T000000Z") != headers.end());
  for (const auto& h : headers) CHECK_THAT(h, !Catch::Contains("wJalrXUtnFEMI"));  // the secret never leaves
}

TEST_CASE("sigv4: the query is encoded and sorted, valueless names keep their '='") {
  CHECK(canonical_query({{"uploads", ""}}) == "uploads=");
  CHECK(canonical_query({{"uploadId", "a/b+c"}, {"partNumber", "10"}}) == "partNumber=10&uploadId=a%2Fb%2Bc");
  CHECK(canonical_query({{"prefix", "x y"}, {"list-type", "2"}}) == "list-type=2&prefix=x%20y");
  CHECK(uri_encode("dir/a b~.nc", true) == "dir/a%20b~.nc");
  CHECK(uri_encode("dir/a", false) == "dir%2Fa");
}

TEST_CASE("s3 answers: elements, entities, and error codes") {
  const std::string listing =
      "<ListBucketResult><IsTruncated>true</IsTruncated><Contents><Key>a&amp;b.nc</Key><Size>7</Size></Contents>"
      "<Contents><Key>c</Key><Size>9</Size></Contents><NextContinuationToken>t1</NextContinuationToken></ListBucketResult>";
  const auto contents = xml_elements(listing, "Contents");
  REQUIRE(contents.size() == 2);
  CHECK(xml_text(contents[0], "Key") == "a&b.nc");
  CHECK(xml_text(contents[1], "Size") == "9");
  CHECK(xml_text(listing, "NextContinuationToken") == "t1");
  CHECK(xml_text(listing, "Missing").empty());
  CHECK(xml_text("<Error><Code>NoSuchBucket</Code></Error>", "Code") == "NoSuchBucket");
  CHECK(xml_unescape("&quot;&#65;&#x42;&lt;") == "\"AB<");
  CHECK(xml_escape("\"e&t<") == "&quot;e&amp;t&lt;");
}
