"""No network while the tests run: every outbound connection is refused; loopback and Unix
sockets stay open (Jupyter's kernels, server and browser talk over them).

tests/conftest.py runs this file in the pytest process and names it in PYTHONSTARTUP, which
every IPython kernel runs when it starts; nbval's kernels and the browser tests' JupyterLab
inherit the variable, so a lab that reached for the network fails its test instead of
passing only on a connected machine. As a kernel's startup file it runs in the notebook's
namespace, so it leaves no names there.
"""


def _install_network_guard():
    import ipaddress
    import socket

    if getattr(socket.socket.connect, "network_guard", False):
        return

    class OutboundConnectionRefused(ConnectionRefusedError):
        """A connection to another machine, attempted while the tests run offline."""

    own_names = {"", "localhost", "localhost.localdomain", socket.gethostname(), socket.getfqdn()}

    def is_local(host) -> bool:
        if isinstance(host, bytes):
            host = host.decode()
        host = str(host).split("%")[0]  # an IPv6 scope id
        if host in own_names:
            return True
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return False  # a name to resolve: another machine
        return address.is_loopback or address.is_unspecified

    def refuse(what, target):
        raise OutboundConnectionRefused(
            f"{what} {target!r} refused: the test suite runs offline (tests/network_guard.py)"
        )

    def check(sock, address):
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not is_local(address[0]):
            refuse("outbound connection to", address)

    connect, connect_ex, sendto = (
        socket.socket.connect,
        socket.socket.connect_ex,
        socket.socket.sendto,
    )
    getaddrinfo = socket.getaddrinfo

    def guarded_connect(self, address):
        check(self, address)
        return connect(self, address)

    def guarded_connect_ex(self, address):
        check(self, address)
        return connect_ex(self, address)

    def guarded_sendto(self, data, *args):
        check(self, args[-1])  # sendto(data, address) or sendto(data, flags, address)
        return sendto(self, data, *args)

    def guarded_getaddrinfo(host, *args, **kwargs):
        if host is not None and not is_local(host):
            try:
                ipaddress.ip_address(str(host).split("%")[0])
            except ValueError:
                refuse("name lookup of", host)
        return getaddrinfo(host, *args, **kwargs)

    guarded_connect.network_guard = True
    guarded_connect.refused = OutboundConnectionRefused
    socket.socket.connect = guarded_connect
    socket.socket.connect_ex = guarded_connect_ex
    socket.socket.sendto = guarded_sendto
    socket.getaddrinfo = guarded_getaddrinfo


_install_network_guard()
del _install_network_guard
