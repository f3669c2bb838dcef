"""The worker's consumer closes a connection Redis dropped without stopping the worker.

Seen in a loaded run of the outage test: Redis was killed while the worker held reserved messages;
Celery collected the lost connection (kombu dropped its transport), then closed it, and putting the
reserved messages back asked the dropped transport for Redis' address (AttributeError … 'hostname').
The worker stopped for good. This drives a real kombu connection on a real Redis into that state.
"""

import pytest
from kombu import Connection

from hostage_tracker.worker import Consumer, lost_connection_close


@pytest.fixture
def lose_connection(broker):
    """A connection holding a reserved message, whose Redis was killed and whose transport Celery's
    collect() dropped."""
    if broker.proc is None:
        broker.start()
    broker.flush()
    connections = [Connection(broker.url, transport_options={"socket_timeout": 2}) for _ in range(2)]
    for n, connection in enumerate(connections):
        queue = connection.SimpleQueue(f"reserved-{n}")
        queue.put({"n": n})
        queue.get(timeout=5)  # reserved, not acknowledged: the channel must put it back on close
    broker.kill()
    for connection in connections:
        connection._do_close_transport()  # what Connection.collect() leaves when its close timed out
    yield iter(connections)
    broker.start()


def test_kombu_fails_closing_a_lost_connection_and_our_consumer_does_not(lose_connection):
    with pytest.raises(AttributeError, match="hostname"):
        Connection.close(next(lose_connection))  # kombu's own close, as Celery calls it
    lost_connection_close(next(lose_connection))  # ours, on the same state: logged, no error


def test_the_worker_uses_our_consumer():
    from hostage_tracker.celery import app

    assert app.conf.worker_consumer == "hostage_tracker.worker:Consumer"
    assert issubclass(Consumer, __import__("celery.worker.consumer", fromlist=["Consumer"]).Consumer)
