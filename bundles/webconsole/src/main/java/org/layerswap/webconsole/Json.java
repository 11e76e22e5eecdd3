package org.layerswap.webconsole;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.Map;

import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationConfig;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.module.SimpleSerializers;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;

/**
 * The REST API's JSON writer, on Jackson. Invariants of the output: it is safe inside HTML and a
 * script ({@code <}, {@code >}, {@code &}, U+2028 and U+2029 are always {@code \\u} escapes, so markup
 * stays inert even if a client ever injects the JSON into a page); a non-finite double or float is
 * {@code null}; maps, collections, strings, numbers, booleans and enums (by name) are written as JSON,
 * anything else as its {@code toString()}.
 */
final class Json {

    private static final ObjectMapper MAPPER = JsonMapper.builder(new JsonFactoryBuilder().characterEscapes(new HtmlSafeEscapes()).build())
            .addModule(module())
            .build();

    static {
        MAPPER.getSerializerProvider().setNullKeySerializer(new StdSerializer<>(Object.class) {
            @Override
            public void serialize(Object key, JsonGenerator gen, SerializerProvider provider) throws IOException {
                gen.writeFieldName("null");
            }
        });
    }

    private Json() {
    }

    private static SimpleModule module() {
        SimpleSerializers s = new ToStringForOtherTypes();
        s.addSerializer(Double.class, new NonFiniteAsNull<>(Double.class));
        s.addSerializer(Double.TYPE, new NonFiniteAsNull<>(Double.TYPE));
        s.addSerializer(Float.class, new NonFiniteAsNull<>(Float.class));
        s.addSerializer(Float.TYPE, new NonFiniteAsNull<>(Float.TYPE));
        SimpleModule m = new SimpleModule("layerswap-webconsole");
        m.setSerializers(s);
        return m;
    }

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot write a " + value.getClass().getName() + " as JSON", e);
        }
    }

    /** Jackson's standard escapes plus {@code < > &} and the two JavaScript line terminators. */
    static final class HtmlSafeEscapes extends CharacterEscapes {

        private static final SerializedString LINE_SEPARATOR = new SerializedString("\\u2028");
        private static final SerializedString PARAGRAPH_SEPARATOR = new SerializedString("\\u2029");

        private final int[] ascii = standardAsciiEscapesForJSON();

        HtmlSafeEscapes() {
            ascii['<'] = ESCAPE_STANDARD;
            ascii['>'] = ESCAPE_STANDARD;
            ascii['&'] = ESCAPE_STANDARD;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            return switch (ch) {
                case 0x2028 -> LINE_SEPARATOR;
                case 0x2029 -> PARAGRAPH_SEPARATOR;
                default -> null;
            };
        }
    }

    /** NaN and the infinities have no JSON form: they are written as {@code null}. */
    private static final class NonFiniteAsNull<T extends Number> extends StdSerializer<T> {

        NonFiniteAsNull(Class<T> type) {
            super(type);
        }

        @Override
        public void serialize(T value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            double d = value.doubleValue();
            if (!Double.isFinite(d)) {
                gen.writeNull();
            } else if (value instanceof Float f) {
                gen.writeNumber(f);
            } else {
                gen.writeNumber(d);
            }
        }
    }

    /** Types without a natural JSON form (records, Optionals, java.time, ...) are written as their {@code toString()}. */
    private static final class ToStringForOtherTypes extends SimpleSerializers {

        @Override
        public JsonSerializer<?> findSerializer(SerializationConfig config, JavaType type, BeanDescription beanDesc) {
            JsonSerializer<?> own = super.findSerializer(config, type, beanDesc);
            if (own != null) {
                return own;
            }
            Class<?> raw = type.getRawClass();
            boolean natural = raw.isPrimitive() || raw.isArray() || raw.isEnum() || Enum.class.isAssignableFrom(raw)
                    || CharSequence.class.isAssignableFrom(raw) || Number.class.isAssignableFrom(raw)
                    || Boolean.class == raw || Character.class == raw || Map.class.isAssignableFrom(raw)
                    || Collection.class.isAssignableFrom(raw) || raw == Object.class;
            return natural ? null : ToStringSerializer.instance;
        }
    }
}
