// The client's TLS against an independent peer (openssl s_server, TLS 1.2) and against our own
// TLS server, with a CA made by the openssl CLI.
#include <gtest/gtest.h>

#include <asio/io_context.hpp>
#include <memory>

#include "http/client.hpp"
#include "http/server.hpp"
#include "unit/http/client_test_util.hpp"
#include "unit/http/http_test_util.hpp"
#include "unit/http/test_handler.hpp"

namespace sparouter::http {
namespace {

using namespace std::chrono_literals;
using testing::OpensslServer;
using testing::run_co;
using testing::TestPki;

class HttpTls : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { pki_ = new TestPki(); }
  static void TearDownTestSuite() {
    delete pki_;
    pki_ = nullptr;
  }
  void SetUp() override { ASSERT_TRUE(pki_->ok) << "openssl could not make the test CA"; }

  ClientResult<ClientResponse> fetch(const std::string& url, TlsClientOptions tls) {
    ClientOptions o;
    o.tls = std::move(tls);
    o.connect_timeout = 5s;
    auto client = Client::create(ctx_.get_executor(), o);
    EXPECT_TRUE(client.ok());
    const ClientRequest request{"GET", url, {}, ""};
    auto r = run_co(ctx_, client.value()->fetch(request));
    return r;
  }
  static std::string local(uint16_t port, const std::string& path = "/") {
    return "https://localhost:" + std::to_string(port) + path;
  }

  static TestPki* pki_;
  asio::io_context ctx_;
};

TestPki* HttpTls::pki_ = nullptr;

TEST_F(HttpTls, VerifiesOpensslServerWithTestCa) {
  OpensslServer peer(pki_->cert("localhost"), pki_->key("localhost"));
  ASSERT_NE(peer.port(), 0);
  auto r = fetch(local(peer.port()), {pki_->ca(), false});
  ASSERT_TRUE(r.ok()) << client_errc_name(r.error().code) << ": " << r.error().message;
  EXPECT_EQ(r->status, 200);
  // -www answers HTTP/1.0 with a close-delimited status page naming the cipher.
  EXPECT_NE(r->body.find("s_server"), std::string::npos) << r->body;
  EXPECT_NE(r->body.find("TLSv1.2"), std::string::npos);
}

TEST_F(HttpTls, RejectsServerSignedByAnotherCa) {
  OpensslServer peer(pki_->cert("localhost"), pki_->key("localhost"));
  auto r = fetch(local(peer.port()), {pki_->other_ca(), false});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ClientErrc::kTlsVerify);
  EXPECT_NE(r.error().message.find("not correctly signed by the trusted CA"), std::string::npos)
      << r.error().message;
  EXPECT_FALSE(r.error().request_sent);
}

TEST_F(HttpTls, RejectsWrongHostName) {
  OpensslServer peer(pki_->cert("wrong"), pki_->key("wrong"));
  auto r = fetch(local(peer.port()), {pki_->ca(), false});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ClientErrc::kTlsVerify);
  EXPECT_NE(r.error().message.find("Common Name"), std::string::npos) << r.error().message;
}

TEST_F(HttpTls, SystemBundleDoesNotTrustTestCa) {
  OpensslServer peer(pki_->cert("localhost"), pki_->key("localhost"));
  auto r = fetch(local(peer.port()), {});  // the default: /etc/ssl/certs/ca-certificates.crt
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ClientErrc::kTlsVerify);
}

TEST_F(HttpTls, InsecureSwitchSkipsVerification) {
  OpensslServer peer(pki_->cert("wrong"), pki_->key("wrong"));
  auto r = fetch(local(peer.port()), {pki_->other_ca(), true});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, 200);
}

TEST_F(HttpTls, MissingCaFileIsAnError) {
  ClientOptions o;
  o.tls.ca_file = "/nonexistent/ca.pem";
  EXPECT_FALSE(Client::create(ctx_.get_executor(), o).ok());
}

TEST_F(HttpTls, OwnServerAndClientStreamAndReuseOverTls) {
  testing::HandlerState st;
  ServerOptions so;
  so.tls = TlsServerOptions{pki_->cert("localhost"), pki_->key("localhost")};
  Server server(so, testing::make_test_handler(st));
  ASSERT_TRUE(server.start().ok());
  ClientOptions o;
  o.tls.ca_file = pki_->ca();
  auto client = Client::create(ctx_.get_executor(), o);
  ASSERT_TRUE(client.ok());
  const ClientRequest hello{"GET", local(server.port(), "/hello"), {}, ""};
  const ClientRequest stream{"GET", local(server.port(), "/stream/4"), {}, ""};
  const ClientRequest echo{"POST", local(server.port(), "/echo"), {}, std::string(300000, 'q')};
  auto a = run_co(ctx_, client.value()->fetch(hello));
  ASSERT_TRUE(a.ok()) << a.error().message;
  EXPECT_EQ(a->body, "hello");
  auto b = run_co(ctx_, client.value()->fetch(stream));
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_EQ(b->body, "data: 0\n\ndata: 1\n\ndata: 2\n\ndata: 3\n\n");
  auto c = run_co(ctx_, client.value()->fetch(echo));
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->body, "POST len=300000 sum=" + std::to_string(300000UL * 'q'));
  EXPECT_EQ(server.connection_count(), 1u);  // one TLS connection for all three
  client.value().reset();
  EXPECT_TRUE(server.shutdown(2s));
}

}  // namespace
}  // namespace sparouter::http
