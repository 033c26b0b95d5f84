package org.vvmhost.services.cluster;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** The cluster tests' protocol: one message carrying any payload, answered by a function written as a lambda. */
public final class TestFunctions {

    private TestFunctions() {
    }

    /** The tests' requests; the visitor gives each its typed reply. */
    public sealed interface TestRequest<R> extends Request<R> permits Msg {
        CompletionStage<R> answeredBy(Answer answer, ContainerContext context) throws Exception;
    }

    /** A payload; the reply is whatever the test function answers. */
    public record Msg(Object payload) implements TestRequest<Object> {
        @Override
        public CompletionStage<Object> answeredBy(Answer answer, ContainerContext context) throws Exception {
            return answer.answer(payload, context);
        }
    }

    /** A test function's answer to a payload: a stage of the reply. */
    @FunctionalInterface
    public interface Answer {
        CompletionStage<Object> answer(Object payload, ContainerContext context) throws Exception;
    }

    /** A test function's reply to a payload, at once. */
    @FunctionalInterface
    public interface Reply {
        Object reply(Object payload, ContainerContext context) throws Exception;
    }

    /** A function that answers every {@link Msg} through {@code answer}. */
    public static ContainerFunction answering(Answer answer) {
        return new ContainerFunction() {
            @Override
            public <R> CompletionStage<R> handle(Request<R> request, ContainerContext context) throws Exception {
                if (request instanceof TestRequest<R> test) {
                    return test.answeredBy(answer, context);
                }
                throw new IllegalArgumentException("not a test message: " + request);
            }
        };
    }

    /** A function that replies to every {@link Msg} at once through {@code reply}. */
    public static ContainerFunction replying(Reply reply) {
        return answering((payload, context) -> CompletableFuture.completedFuture(reply.reply(payload, context)));
    }

    public static Msg msg(Object payload) {
        return new Msg(payload);
    }
}
