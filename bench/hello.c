/*
 * hello.c - the baseline: libwebsockets' own HTTP rate on this machine.
 *
 *   build/bench/hello PORT [--one-write]   (PORT 0: any free port, printed)
 *
 * Answers GET /hello with a small JSON body (Content-Length, keep-alive)
 * and 404 to anything else, from one service thread, on 127.0.0.1:PORT.
 * It does what heed's http/server.c does for a request - read the URI in
 * LWS_CALLBACK_HTTP, write headers and body at once, complete the
 * transaction - and nothing else: no router, no auth, no JSON library, no
 * database.  heed's rate divided by this one is the share of the library's
 * capacity heed keeps.
 *
 * Listening: lws ignores info.iface = "127.0.0.1" in 4.1 (it wants an
 * interface name), so, like heed, this binds 127.0.0.1 itself and hands each
 * accepted socket to lws with lws_adopt_socket_vhost().
 */
#include <arpa/inet.h>
#include <libwebsockets.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char body[] = "{\"hello\":\"world\"}";

static volatile sig_atomic_t stop;
static int listen_fd = -1;
static struct lws_vhost *vhost;
static bool one_write;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* reply - headers, then body: two lws_write()s, hence two send()s, as
 * heed's write_reply() does.  With --one-write, headers and body go out in
 * one lws_write() (one send) instead: an experiment to price the second
 * send, not what heed does. */
static int reply(struct lws *wsi, unsigned status, const char *text, size_t len)
{
	unsigned char buf[LWS_PRE + 512], *start = buf + LWS_PRE, *p = start;
	unsigned char *end = buf + sizeof(buf) - 1;
	unsigned char out[LWS_PRE + 64];

	if (lws_add_http_common_headers(wsi, status, "application/json", len, &p,
					end))
		return -1;
	if (one_write) {
		if (lws_finalize_http_header(wsi, &p, end) || (size_t)(end - p) < len)
			return -1;
		memcpy(p, text, len);
		p += len;
		if (lws_write(wsi, start, (size_t)lws_ptr_diff(p, start),
			      LWS_WRITE_HTTP_HEADERS) < 0)
			return -1;
		return lws_http_transaction_completed(wsi) ? -1 : 0;
	}
	if (lws_finalize_write_http_header(wsi, start, &p, end))
		return -1;
	memcpy(out + LWS_PRE, text, len);
	if (len && lws_write(wsi, out + LWS_PRE, len, LWS_WRITE_HTTP_FINAL) < 0)
		return -1;
	return lws_http_transaction_completed(wsi) ? -1 : 0;
}

static int cb_http(struct lws *wsi, enum lws_callback_reasons reason,
		   void *user, void *in, size_t len)
{
	static const char nf[] = "{\"error\":\"not_found\"}";

	if (reason == LWS_CALLBACK_HTTP) {
		if (lws_hdr_total_length(wsi, WSI_TOKEN_GET_URI) > 0 && len == 6 &&
		    memcmp(in, "/hello", 6) == 0)
			return reply(wsi, 200, body, sizeof(body) - 1);
		return reply(wsi, 404, nf, sizeof(nf) - 1);
	}
	return lws_callback_http_dummy(wsi, reason, user, in, len);
}

/* cb_listen - the listening socket, adopted as a raw fd: accept here. */
static int cb_listen(struct lws *wsi, enum lws_callback_reasons reason,
		     void *user, void *in, size_t len)
{
	int fd, one = 1;

	(void)wsi;
	(void)user;
	(void)in;
	(void)len;
	if (reason != LWS_CALLBACK_RAW_RX_FILE)
		return 0;
	for (int i = 0; i < 64; i++) {
		fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			break;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (!lws_adopt_socket_vhost(vhost, fd))
			close(fd);
	}
	return 0;
}

static const struct lws_protocols protocols[] = {
	{"http", cb_http, 0, 0, 0, NULL, 0},
	{"hello-listen", cb_listen, 0, 0, 0, NULL, 0},
	{NULL, NULL, 0, 0, 0, NULL, 0}
};

static int open_listener(int port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	int fd, one = 1;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 1024)) {
		close(fd);
		return -1;
	}
	return fd;
}

int main(int argc, char **argv)
{
	struct lws_context_creation_info info;
	struct lws_context *ctx;
	lws_sock_file_fd_type fd;
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	int port = argc > 1 ? atoi(argv[1]) : 8090;

	one_write = argc > 2 && strcmp(argv[2], "--one-write") == 0;
	if (port < 0 || port > 65535 || (argc > 2 && !one_write)) {
		fprintf(stderr, "usage: hello PORT [--one-write]\n");
		return 2;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGPIPE, SIG_IGN);
	lws_set_log_level(LLL_ERR, NULL);
	listen_fd = open_listener(port);
	if (listen_fd < 0) {
		perror("hello: listen");
		return 1;
	}
	if (getsockname(listen_fd, (struct sockaddr *)&sa, &sl) == 0)
		port = ntohs(sa.sin_port);
	memset(&info, 0, sizeof(info));
	info.port = CONTEXT_PORT_NO_LISTEN_SERVER;
	info.protocols = protocols;
	info.count_threads = 1;
	info.max_http_header_pool = 256;
	info.keepalive_timeout = 30;
	info.timeout_secs = 30;
	ctx = lws_create_context(&info);
	if (!ctx) {
		fprintf(stderr, "hello: cannot create the lws context\n");
		return 1;
	}
	vhost = lws_get_vhost_by_name(ctx, "default");
	fd.filefd = listen_fd;
	if (!vhost || !lws_adopt_descriptor_vhost(vhost, LWS_ADOPT_RAW_FILE_DESC, fd,
						  "hello-listen", NULL)) {
		fprintf(stderr, "hello: cannot watch the listening socket\n");
		lws_context_destroy(ctx);
		return 1;
	}
	printf("hello: listening on http://127.0.0.1:%d/hello\n", port);
	fflush(stdout);
	while (!stop && lws_service(ctx, 0) >= 0)
		;
	lws_context_destroy(ctx);
	return 0;
}
